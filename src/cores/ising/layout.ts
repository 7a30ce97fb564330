/**
 * How the engine stores a lattice, as the host sees it through memory 0 (docs/ising.md): per replica r and
 * colour c, the L·S words {y, t} (S = L/2P) of P spins, each split into host words of min(P, 16) spins.
 * Host word address = ((r·2 + c)·L·S + y·S + t)·(P / H) + chunk, bit b of the host word is lane
 * l = chunk·H + b, the site x = 2(tP + l) + ((y + c) mod 2) of row y. Bit 1 is spin +1.
 */
export interface LatticeShape {
  size: number;
  lanes: number;
}

export function hostBits(lanes: number): number {
  return Math.min(lanes, 16);
}

/** Host words per replica (L² / H). */
export function hostWordsPerReplica(shape: LatticeShape): number {
  return (shape.size * shape.size) / hostBits(shape.lanes);
}

/** Visits every (host word index within the replica, bit, site index y·L + x). */
function forEachBit(shape: LatticeShape, visit: (word: number, bit: number, site: number) => void): void {
  const L = shape.size;
  const P = shape.lanes;
  const H = hostBits(P);
  const S = L / (2 * P);
  const chunks = P / H;
  for (let c = 0; c < 2; c++) {
    for (let y = 0; y < L; y++) {
      for (let t = 0; t < S; t++) {
        for (let chunk = 0; chunk < chunks; chunk++) {
          const word = ((c * L + y) * S + t) * chunks + chunk;
          for (let bit = 0; bit < H; bit++) {
            const lane = chunk * H + bit;
            visit(word, bit, y * L + 2 * (t * P + lane) + ((y + c) & 1));
          }
        }
      }
    }
  }
}

/** Spins (±1, row-major) → host words as little-endian bytes of `wordBytes` each. */
export function packLattice(shape: LatticeShape, spins: Int8Array, wordBytes: number): Uint8Array {
  const words = new Uint32Array(hostWordsPerReplica(shape));
  forEachBit(shape, (word, bit, site) => {
    if (spins[site] === 1) words[word]! |= 1 << bit;
  });
  const bytes = new Uint8Array(words.length * wordBytes);
  words.forEach((w, i) => {
    for (let b = 0; b < wordBytes; b++) bytes[i * wordBytes + b] = (w >>> (8 * b)) & 0xff;
  });
  return bytes;
}

export function unpackLattice(shape: LatticeShape, bytes: Uint8Array, wordBytes: number): Int8Array {
  const spins = new Int8Array(shape.size * shape.size);
  forEachBit(shape, (word, bit, site) => {
    let value = 0;
    for (let b = 0; b < wordBytes; b++) value |= bytes[word * wordBytes + b]! << (8 * b);
    spins[site] = (value >>> bit) & 1 ? 1 : -1;
  });
  return spins;
}
