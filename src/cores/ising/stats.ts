/**
 * Observables from per-sweep measurements, with error bars from binning + jackknife.
 *
 * Successive sweeps are correlated (near T_c the autocorrelation time grows like L^2.17), so error bars come
 * from bins of consecutive sweeps, each bin much longer than the correlation time, and a jackknife over the
 * bins for the non-linear quantities (susceptibility, specific heat, Binder cumulant).
 */
import type { BinRecord } from './bins.ts';

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

export interface BinnedSeriesShape {
  /** Sweeps the series covers (sweeps past the last whole analysis bin are dropped). */
  sweeps: number;
  /** Spins of the lattice, N. */
  spins: number;
  /** Sweeps per engine bin (records come a bin at a time; 1 = one record per sweep). */
  binSize?: number;
  /** Analysis bins for the jackknife (default 32). */
  bins?: number;
  /** External field h: the energy is E − h·M. */
  field?: number;
}

/**
 * Binned moments, accumulated one engine bin (bins.ts) at a time, so a run of any length keeps 32 analysis bins,
 * not its records. An analysis bin is a whole number of engine bins: engine bin k goes to analysis bin
 * ⌊k / group⌋, group = ⌊(sweeps / binSize) / bins⌋; engine bins past the last whole analysis bin are dropped (as
 * sweeps past the last whole bin always were). With binSize 1 this is per-sweep binning.
 */
export class BinnedSeries {
  private readonly sums: Moments[];
  private readonly group: number;
  private readonly binSize: number;
  private readonly field: number;
  private readonly spins: number;
  readonly bins: number;
  private count = 0;

  constructor(shape: BinnedSeriesShape) {
    this.binSize = shape.binSize ?? 1;
    this.field = shape.field ?? 0;
    this.spins = shape.spins;
    const engineBins = Math.floor(shape.sweeps / this.binSize);
    this.bins = shape.bins ?? 32;
    if (engineBins < this.bins)
      throw new Error(`need at least ${this.bins} bins of ${this.binSize} sweeps, got ${shape.sweeps} sweeps`);
    this.group = Math.floor(engineBins / this.bins);
    this.sums = Array.from({ length: this.bins }, () => ({ e: 0, e2: 0, m: 0, m2: 0, m4: 0 }));
  }

  /** One engine bin's sums (its sweeps must be binSize; a shorter last bin lies past the analysis bins). */
  addBin(record: BinRecord): void {
    const bin = Math.floor(this.count / this.group);
    this.count++;
    if (bin >= this.bins) return;
    if (record.sweeps !== this.binSize)
      throw new Error(`engine bin ${this.count - 1} holds ${record.sweeps} sweeps, expected ${this.binSize}`);
    const s = this.sums[bin]!;
    const N = this.spins;
    const h = this.field;
    // H = E − h·M: ΣH = ΣE − hΣM, ΣH² = ΣE² − 2hΣEM + h²ΣM².
    s.e += (Number(record.sumE) - h * Number(record.sumM)) / N;
    s.e2 += (Number(record.sumE2) - 2 * h * Number(record.sumEM) + h * h * Number(record.sumM2)) / (N * N);
    s.m += Number(record.sumAbsM) / N;
    s.m2 += Number(record.sumM2) / (N * N);
    s.m4 += Number(record.sumM4) / (N * N * N * N);
  }

  /** One sweep's total energy and magnetization (binSize 1, no field: the energy is taken as given). */
  add(energy: number, magnetization: number): void {
    const bin = Math.floor(this.count / this.group);
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

  /** Estimates with jackknife error bars; every analysis bin must be full. */
  observables(T: number): Observables {
    if (this.count < this.bins * this.group)
      throw new Error(`${this.count} of ${this.bins * this.group} engine bins added`);
    return fromBins(this.sums, this.group * this.binSize, this.spins, T);
  }
}

/** Estimates with jackknife error bars over `bins` equal bins (trailing sweeps that do not fill a bin are dropped). */
export function analyze(series: SweepSeries, spins: number, T: number, bins = 32): Observables {
  const n = series.energy.length;
  if (series.magnetization.length !== n) throw new Error('energy and magnetization series differ in length');
  if (n < 2 * bins) throw new Error(`need at least ${2 * bins} sweeps for ${bins} bins, got ${n}`);
  const binned = new BinnedSeries({ sweeps: n, spins, bins });
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
