/** Test data for the loopback self-checks. */

/** xorshift32 bytes: reproducible from the seed alone. */
export function testBytes(seed: number, count: number): Uint8Array {
  let state = seed >>> 0 || 1;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}
