/**
 * Exact results for the 2D Ising model on the infinite square lattice (J = 1, k_B = 1, h = 0), the curves the
 * simulation is checked against: Onsager's energy per spin and Yang's spontaneous magnetization.
 * Formulas: ../shared/REFERENCES.md (Onsager 1944, Yang 1952).
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
