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
  // Created with the first records, so a run refused before it starts (bad options) leaves no file behind.
  private writer?: NpyInt32Writer;

  constructor(readonly file: string) {}

  /** The scan's onRecords. */
  readonly sink: NonNullable<ScanOptions['onRecords']> = (records, temperatureOf, measured) => {
    const columns = RECORD_COLUMNS.length;
    const rows = new Int32Array(records.length * columns);
    // Field by field: this runs for every record of a run, so no array per record.
    records.forEach((r: SweepRecord, i) => {
      const at = i * columns;
      rows[at] = temperatureOf(r.replica);
      rows[at + 1] = r.replica;
      rows[at + 2] = measured ? 1 : 0;
      rows[at + 3] = r.energy;
      rows[at + 4] = r.magnetization;
    });
    this.writer ??= new NpyInt32Writer(this.file, columns);
    this.writer.append(rows);
  };

  get records(): number {
    return this.writer?.rowCount ?? 0;
  }

  close(): void {
    this.writer?.close();
  }
}
