/**
 * Exact results for the 2D Ising model on the infinite square lattice (J = 1, k_B = 1, h = 0), the curves the
 * simulation is checked against: Onsager's energy per spin and Yang's spontaneous magnetization.
 * Formulas: ../shared/REFERENCES.md (Onsager 1944, Yang 1952).
 * Below them, the same model on a finite L × L torus: exact energy and specific heat per spin (Kaufman 1949;
 * Ferdinand & Fisher 1969), formulas in the comment there.
 */

/** Critical temperature 2 / ln(1 + √2). */
export const T_CRITICAL = 2 / Math.log(1 + Math.SQRT2);
export const BETA_CRITICAL = 1 / T_CRITICAL;

/** Arithmetic-geometric mean, for the complete elliptic integral. */
function agm(a: number, b: number): number {
  for (let i = 0; i < 64 && Math.abs(a - b) > 1e-16 * a; i++) [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
  return a;
}

/** Complete elliptic integral of the first kind K(k) = ∫₀^{π/2} dθ / √(1 − k² sin²θ). */
export function ellipticK(k: number): number {
  if (!(k >= 0 && k < 1)) throw new RangeError(`K(k) needs 0 ≤ k < 1, got ${k}`);
  return Math.PI / (2 * agm(1, Math.sqrt(1 - k * k)));
}

/**
 * Onsager's internal energy per spin u(T) = −coth(2β)·[1 + (2/π)(2·tanh²(2β) − 1)·K(k)],
 * k = 2 sinh(2β)/cosh²(2β).
 */
export function onsagerEnergy(T: number): number {
  if (!(T > 0)) throw new RangeError(`temperature must be > 0, got ${T}`);
  const b2 = 2 / T;
  const k = (2 * Math.sinh(b2)) / Math.cosh(b2) ** 2;
  const factor = 2 * Math.tanh(b2) ** 2 - 1;
  // At T_c, k = 1 and K diverges while its factor vanishes; the product tends to 0 (u(T_c) = −√2).
  const elliptic = Math.abs(factor) < 1e-12 ? 0 : factor * ellipticK(Math.min(k, 1 - 1e-16));
  return -(1 / Math.tanh(b2)) * (1 + (2 / Math.PI) * elliptic);
}

/** Yang's spontaneous magnetization per spin: (1 − sinh⁻⁴(2β))^{1/8} below T_c, 0 above. */
export function yangMagnetization(T: number): number {
  if (!(T > 0)) throw new RangeError(`temperature must be > 0, got ${T}`);
  if (T >= T_CRITICAL) return 0;
  return (1 - Math.sinh(2 / T) ** -4) ** 0.125;
}

// ---------------------------------------------------------------------------------------------------------------
// Finite L × L torus: Kaufman's exact partition function
// ---------------------------------------------------------------------------------------------------------------
//
// Kaufman (1949, Phys. Rev. 76, 1232), in the form of Ferdinand & Fisher (1969, Phys. Rev. 185, 832),
// for the L × L square lattice with periodic boundaries in both directions (N = L², 2N bonds), K = J/T = 1/T:
//
//   Z = ½ (2 sinh 2K)^{N/2} (Z₁ + Z₂ + Z₃ + Z₄),
//   Z₁ = ∏_{r=0}^{L−1} 2 cosh(L γ_{2r+1}/2),   Z₂ = ∏_{r=0}^{L−1} 2 sinh(L γ_{2r+1}/2),
//   Z₃ = ∏_{r=0}^{L−1} 2 cosh(L γ_{2r}/2),     Z₄ = ∏_{r=0}^{L−1} 2 sinh(L γ_{2r}/2),
//   cosh γ_k = cosh 2K · coth 2K − cos(πk/L),   γ_k > 0 for k ≠ 0,
//   γ₀ = 2K + ln tanh K = 2(K − K*)            (signed: > 0 below T_c, 0 at T_c, < 0 above T_c).
//
// The sign of γ₀ is what makes Z₄ negative above T_c; taking |γ₀| there gives a wrong Z. The formula holds for odd L
// too (checked against enumeration for L = 2, 3, 4 and a transfer matrix for L = 4, 5, 6, 8 in
// tests/ising-math.test.ts).
//
// From it, per spin: ⟨E⟩/N = −(1/N) ∂ln Z/∂K (E = −Σ_⟨ij⟩ s_i s_j) and C = (K²/N) ∂²ln Z/∂K².
// Both derivatives are analytic, not finite differences: a difference quotient of ln Z (up to ~4·10⁶ at L = 1024,
// T = 0.5) trades truncation against rounding and keeps ~10 digits of E and ~5 of C, with a step to tune per L and T.
// The closed forms below agree with a 50-digit evaluation (mpmath; L = 2 … 1024, T = 0.5 … 10) to ≤ 2e-13 relative
// in E and ≤ 1e-10 in C. C is worst at low T, where C ~ e^{−8K} is a small difference of O(1) spectral sums (its
// absolute error stays ~1e-15).
//
// Writing s = sinh 2K and c(K) = cosh 2K coth 2K = s + 1/s:
//   c − cos θ = 1 + ε,   ε = (s − 1)²/s + 2 sin²(θ/2)   (no cancellation near T_c, where s = 1 and ε → 0),
//   γ = ln(1 + ε + √(ε(2 + ε))),   γ' = c'/sinh γ,   γ'' = (c'' − cosh γ · γ'²)/sinh γ,
//   c' = 2 cosh 2K (1 − 1/s²),   c'' = 4(s − 1/s) + 8 coth²(2K)/s,
//   γ₀' = 2 + 2/s,   γ₀'' = −4 coth(2K)/s.
// Each Zᵢ is a product of factors f(x), x = Lγ/2, so ln Zᵢ and its two derivatives are sums of
//   ln 2cosh x:  (ln f)' = x' tanh x,  (ln f)'' = x'' tanh x + x'² sech² x,
//   ln 2sinh x:  (ln f)' = x' coth x,  (ln f)'' = x'' coth x − x'² csch² x.
// The one factor that can vanish, 2 sinh(Lγ₀/2) in Z₄ at T = T_c, is written tanh(x₀) · 2cosh(x₀), so Z₄ = t·e^ℓ
// with a bounded, signed t whose derivatives are finite. The four terms are summed relative to the largest
// (log-sum-exp), so nothing overflows.

/** A term Zᵢ = t · e^ℓ with ℓ', ℓ'' (= g, q) and t', t'' (= t1, t2), all as functions of K. */
interface Term {
  ell: number;
  g: number;
  q: number;
  t: number;
  t1: number;
  t2: number;
}

/** ln(2 cosh x) for any x. */
function logTwoCosh(x: number): number {
  const a = Math.abs(x);
  return a + Math.log1p(Math.exp(-2 * a));
}

/** ln(2 sinh x) for x > 0. */
function logTwoSinh(x: number): number {
  return x > 1 ? x + Math.log1p(-Math.exp(-2 * x)) : Math.log(2 * Math.sinh(x));
}

/** γ_k(K) and its first two K-derivatives. */
interface Gamma {
  value: number;
  d1: number;
  d2: number;
}

/** The Kaufman spectrum γ_0 … γ_{2L−1} at coupling K, with derivatives (formulas in the comment above). */
function kaufmanSpectrum(L: number, K: number): Gamma[] {
  const s = Math.sinh(2 * K);
  const coth = 1 / Math.tanh(2 * K);
  const c1 = 2 * Math.cosh(2 * K) * (1 - 1 / (s * s));
  const c2 = 4 * (s - 1 / s) + (8 * coth * coth) / s;
  const spectrum: Gamma[] = [{ value: 2 * K + Math.log(Math.tanh(K)), d1: 2 + 2 / s, d2: (-4 * coth) / s }];
  for (let k = 1; k < 2 * L; k++) {
    const eps = (s - 1) ** 2 / s + 2 * Math.sin((Math.PI * k) / (2 * L)) ** 2;
    const sinhG = Math.sqrt(eps * (2 + eps));
    const d1 = c1 / sinhG;
    spectrum.push({ value: Math.log1p(eps + sinhG), d1, d2: (c2 - (1 + eps) * d1 * d1) / sinhG });
  }
  return spectrum;
}

/** Adds the factor 2cosh(x) or 2sinh(x) (x = Lγ/2 > 0 for sinh) to a term, in logarithmic form. */
function addFactor(term: Term, kind: 'cosh' | 'sinh', L: number, gamma: Gamma): void {
  const x = (L * gamma.value) / 2;
  const x1 = (L * gamma.d1) / 2;
  const x2 = (L * gamma.d2) / 2;
  if (kind === 'cosh') {
    const th = Math.tanh(x);
    term.ell += logTwoCosh(x);
    term.g += x1 * th;
    term.q += x2 * th + (x1 * x1) / Math.cosh(x) ** 2; // cosh² → ∞ for large x: the term → 0, as it should
  } else {
    const coth = 1 / Math.tanh(x);
    term.ell += logTwoSinh(x);
    term.g += x1 * coth;
    term.q += x2 * coth - (x1 * x1) / Math.sinh(x) ** 2;
  }
}

/** Z₄'s factor 2 sinh(x₀) = tanh(x₀) · 2cosh(x₀): finite derivatives even where x₀ = Lγ₀/2 crosses 0 at T_c. */
function addSignedFactor(term: Term, L: number, gamma: Gamma): void {
  addFactor(term, 'cosh', L, gamma);
  const x = (L * gamma.value) / 2;
  const x1 = (L * gamma.d1) / 2;
  const x2 = (L * gamma.d2) / 2;
  const th = Math.tanh(x);
  const sech2 = 1 / Math.cosh(x) ** 2;
  term.t = th;
  term.t1 = x1 * sech2;
  term.t2 = (x2 - 2 * x1 * x1 * th) * sech2;
}

/** The four terms Z₁ … Z₄ of Kaufman's sum at coupling K. */
function kaufmanTerms(L: number, K: number): Term[] {
  const spectrum = kaufmanSpectrum(L, K);
  const terms = Array.from({ length: 4 }, (): Term => ({ ell: 0, g: 0, q: 0, t: 1, t1: 0, t2: 0 }));
  const [z1, z2, z3, z4] = terms as [Term, Term, Term, Term];
  for (let r = 0; r < L; r++) {
    const odd = spectrum[2 * r + 1]!;
    const even = spectrum[2 * r]!;
    addFactor(z1, 'cosh', L, odd);
    addFactor(z2, 'sinh', L, odd);
    addFactor(z3, 'cosh', L, even);
    if (r === 0) addSignedFactor(z4, L, even);
    else addFactor(z4, 'sinh', L, even);
  }
  return terms;
}

/** ln Z of the L × L torus and its first two K-derivatives. */
function torusLogZ(L: number, K: number): { lnZ: number; d1: number; d2: number } {
  const N = L * L;
  const terms = kaufmanTerms(L, K);
  // Reference: the larger of Z₁, Z₃ (Z₂ ≤ Z₁, |Z₄| ≤ Z₃), so every ratio Zᵢ/Z_ref is ≤ 1 and the sum is ≥ 1.
  const ref = terms[0]!.ell >= terms[2]!.ell ? terms[0]! : terms[2]!;
  let sum = 0;
  let sum1 = 0;
  let sum2 = 0;
  for (const term of terms) {
    // Rᵢ = Zᵢ/Z_ref = t·E with E = e^{ℓ − ℓ_ref}, E' = E·δ, E'' = E·(δ² + q − q_ref), δ = g − g_ref.
    const E = Math.exp(term.ell - ref.ell);
    const delta = term.g - ref.g;
    sum += term.t * E;
    sum1 += E * (term.t1 + term.t * delta);
    sum2 += E * (term.t2 + 2 * term.t1 * delta + term.t * (delta * delta + term.q - ref.q));
  }
  const s = Math.sinh(2 * K);
  const logTwoSinh2K = logTwoSinh(2 * K);
  return {
    lnZ: -Math.LN2 + (N / 2) * logTwoSinh2K + ref.ell + Math.log(sum),
    d1: N / Math.tanh(2 * K) + ref.g + sum1 / sum,
    d2: (-2 * N) / (s * s) + ref.q + sum2 / sum - (sum1 / sum) ** 2,
  };
}

function checkTorus(L: number, T: number): void {
  if (!(Number.isInteger(L) && L >= 2)) throw new RangeError(`lattice side must be an integer ≥ 2, got ${L}`);
  if (!(T > 0 && Number.isFinite(T))) throw new RangeError(`temperature must be > 0, got ${T}`);
}

/** Exact ⟨E⟩/N on the L × L torus (Kaufman 1949): −(1/N) ∂ln Z/∂K. Tends to onsagerEnergy(T) as L → ∞. */
export function finiteEnergy(L: number, T: number): number {
  checkTorus(L, T);
  return -torusLogZ(L, 1 / T).d1 / (L * L);
}

/** Exact specific heat per spin on the L × L torus (Kaufman 1949; Ferdinand & Fisher 1969): (K²/N) ∂²ln Z/∂K². */
export function finiteSpecificHeat(L: number, T: number): number {
  checkTorus(L, T);
  const K = 1 / T;
  return (K * K * torusLogZ(L, K).d2) / (L * L);
}
