/**
 * `--records FILE.npy`: every per-sweep record of a run, streamed to a NumPy int32 array of shape (records, 5)
 * with columns temperature index (into the run's --T list), replica, measured (0 during burn-in), total bond
 * energy E and magnetization M — in stream order (sweep by sweep, replica 0 … R−1 within a sweep). The file is
 * valid whenever the run stops (util/npy.ts).
 */
import { NpyInt32Writer } from '../../util/npy.ts';
import type { SweepRecord } from './reference.ts';
import type { ScanOptions } from './scan.ts';

export const RECORD_COLUMNS = ['temperature_index', 'replica', 'measured', 'energy', 'magnetization'] as const;

export class RecordsFile {
  private readonly writer: NpyInt32Writer;

  constructor(readonly file: string) {
    this.writer = new NpyInt32Writer(file, RECORD_COLUMNS.length);
  }

  /** The scan's onRecords. */
  readonly sink: NonNullable<ScanOptions['onRecords']> = (records, temperatureOf, measured) => {
    const rows = new Int32Array(records.length * RECORD_COLUMNS.length);
    records.forEach((r: SweepRecord, i) => {
      rows.set([temperatureOf(r.replica), r.replica, measured ? 1 : 0, r.energy, r.magnetization], i * 5);
    });
    this.writer.append(rows);
  };

  get records(): number {
    return this.writer.rowCount;
  }

  close(): void {
    this.writer.close();
  }
}
