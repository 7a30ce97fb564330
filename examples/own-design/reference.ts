/**
 * The bit-exact reference model of xnor_neuron.v: what the engine must answer after any sequence of register
 * writes. Plain TypeScript, independent of the Verilog.
 */
export class NeuronReference {
  weights = 0;
  threshold = 0;
  sum = 0;
  count = 0;

  constructor(readonly width: number) {}

  /** The low `width` bits of a word, as the engine stores them. */
  private bits(word: number): number {
    return this.width === 32 ? word >>> 0 : (word >>> 0) & ((1 << this.width) - 1);
  }

  setWeights(word: number): void {
    this.weights = this.bits(word);
  }

  setThreshold(word: number): void {
    this.threshold = word >>> 0;
  }

  /** One activation word: the positions where it agrees with the weights are added to the sum. */
  input(word: number): void {
    const agree = this.bits(~(this.weights ^ word));
    let ones = 0;
    for (let bit = 0; bit < this.width; bit++) ones += (agree >>> bit) & 1;
    this.sum = (this.sum + ones) >>> 0;
    this.count = (this.count + 1) >>> 0;
  }

  clear(): void {
    this.sum = 0;
    this.count = 0;
  }

  get fires(): number {
    return this.sum >= this.threshold ? 1 : 0;
  }
}
