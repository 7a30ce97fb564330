/**
 * Observables from per-sweep measurements, with error bars from binning + jackknife.
 *
 * Successive sweeps are correlated (near T_c the autocorrelation time grows like L^2.17), so error bars come
 * from bins of consecutive sweeps, each bin much longer than the correlation time, and a jackknife over the
 * bins for the non-linear quantities (susceptibility, specific heat, Binder cumulant).
 */

export interface SweepSeries {
  /** Total energy E = −Σ_<ij> s_i s_j (− h Σ s_i) after each sweep. */
  energy: ArrayLike<number>;
  /** Total magnetization M = Σ s_i after each sweep. */
  magnetization: ArrayLike<number>;
}

export interface Estimate {
  value: number;
  error: number;
}

export interface Observables {
  sweeps: number;
  bins: number;
  /** ⟨E⟩/N */
  energyPerSpin: Estimate;
  /** ⟨|M|⟩/N */
  absMagnetization: Estimate;
  /** N·(⟨m²⟩ − ⟨|m|⟩²)/T */
  susceptibility: Estimate;
  /** N·(⟨e²⟩ − ⟨e⟩²)/T² */
  specificHeat: Estimate;
  /** 1 − ⟨m⁴⟩/(3⟨m²⟩²) */
  binder: Estimate;
}

interface Moments {
  e: number;
  e2: number;
  m: number;
  m2: number;
  m4: number;
}

function observablesFrom(mo: Moments, spins: number, T: number) {
  return {
    energyPerSpin: mo.e,
    absMagnetization: mo.m,
    susceptibility: (spins * (mo.m2 - mo.m * mo.m)) / T,
    specificHeat: (spins * (mo.e2 - mo.e * mo.e)) / (T * T),
    binder: 1 - mo.m4 / (3 * mo.m2 * mo.m2),
  };
}

/**
 * Binned moments accumulated one sweep at a time, so a run of any length keeps 32 bins, not its records. The
 * number of sweeps is known in advance: bin b holds sweeps b·binSize … (b+1)·binSize − 1; sweeps past the
 * last whole bin are dropped (as analyze() always did).
 */
export class BinnedSeries {
  private readonly sums: Moments[];
  private readonly binSize: number;
  private count = 0;

  constructor(
    readonly sweeps: number,
    readonly spins: number,
    readonly bins = 32,
  ) {
    if (sweeps < 2 * bins) throw new Error(`need at least ${2 * bins} sweeps for ${bins} bins, got ${sweeps}`);
    this.binSize = Math.floor(sweeps / bins);
    this.sums = Array.from({ length: bins }, () => ({ e: 0, e2: 0, m: 0, m2: 0, m4: 0 }));
  }

  /** One sweep's total energy and magnetization. */
  add(energy: number, magnetization: number): void {
    const bin = Math.floor(this.count / this.binSize);
    this.count++;
    if (bin >= this.bins) return;
    const s = this.sums[bin]!;
    const e = energy / this.spins;
    const m = Math.abs(magnetization) / this.spins;
    s.e += e;
    s.e2 += e * e;
    s.m += m;
    s.m2 += m * m;
    s.m4 += m * m * m * m;
  }

  /** Estimates with jackknife error bars; every sweep must have been added. */
  observables(T: number): Observables {
    if (this.count !== this.sweeps) throw new Error(`${this.count} of ${this.sweeps} sweeps added`);
    return fromBins(this.sums, this.binSize, this.spins, T);
  }
}

/** Estimates with jackknife error bars over `bins` equal bins (trailing sweeps that do not fill a bin are dropped). */
export function analyze(series: SweepSeries, spins: number, T: number, bins = 32): Observables {
  const n = series.energy.length;
  if (series.magnetization.length !== n) throw new Error('energy and magnetization series differ in length');
  const binned = new BinnedSeries(n, spins, bins);
  for (let i = 0; i < n; i++) binned.add(series.energy[i]!, series.magnetization[i]!);
  return binned.observables(T);
}

function fromBins(sums: Moments[], binSize: number, spins: number, T: number): Observables {
  const bins = sums.length;
  const total = sums.reduce((a, s) => ({
    e: a.e + s.e,
    e2: a.e2 + s.e2,
    m: a.m + s.m,
    m2: a.m2 + s.m2,
    m4: a.m4 + s.m4,
  }));
  const mean = (s: Moments, count: number): Moments => ({
    e: s.e / count,
    e2: s.e2 / count,
    m: s.m / count,
    m2: s.m2 / count,
    m4: s.m4 / count,
  });
  const full = observablesFrom(mean(total, bins * binSize), spins, T);
  // Jackknife: leave one bin out at a time.
  const leaveOut = sums.map((s) =>
    observablesFrom(
      mean(
        { e: total.e - s.e, e2: total.e2 - s.e2, m: total.m - s.m, m2: total.m2 - s.m2, m4: total.m4 - s.m4 },
        (bins - 1) * binSize,
      ),
      spins,
      T,
    ),
  );
  const estimate = (key: keyof typeof full): Estimate => {
    const values = leaveOut.map((o) => o[key]);
    const average = values.reduce((a, v) => a + v, 0) / bins;
    const variance = values.reduce((a, v) => a + (v - average) ** 2, 0) * ((bins - 1) / bins);
    return { value: full[key], error: Math.sqrt(variance) };
  };
  return {
    sweeps: bins * binSize,
    bins,
    energyPerSpin: estimate('energyPerSpin'),
    absMagnetization: estimate('absMagnetization'),
    susceptibility: estimate('susceptibility'),
    specificHeat: estimate('specificHeat'),
    binder: estimate('binder'),
  };
}
