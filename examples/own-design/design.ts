/**
 * A design of your own on spinbit: one XNOR-popcount neuron (xnor_neuron.v) behind the serial link, its
 * registers declared once (the contract: Verilog constants, host access and docs all come from it), and a check
 * that drives it with random register writes and compares every readback with the reference model.
 *
 *   npx spinbit build ./design.ts -b icebreaker     # bitstream (YoWASP), report with cells and Fmax
 *   npx spinbit sim ./design.ts                     # the check on the virtual board (Verilator)
 *   npx spinbit run ./design.ts --port /dev/ttyUSB1 # the check on a flashed board
 */
import { defineContract, defineDesign, idValue, UserError } from 'spinbit';
import { NeuronReference } from './reference.ts';

export const neuronContract = defineContract({
  design: 'neuron',
  id: 'XNOR',
  registers: {
    ID: { address: 0, kind: 'constant', value: idValue('XNOR'), doc: 'reads "XNOR"' },
    WEIGHTS: { address: 1, kind: 'storage', doc: 'the weight vector, bit 1 = +1 (the low --width bits)' },
    THRESHOLD: { address: 2, kind: 'storage', doc: 'OUTPUT is 1 while SUM ≥ THRESHOLD' },
    INPUT: { address: 3, kind: 'action', doc: 'write an activation vector: SUM += popcount(XNOR(WEIGHTS, it))' },
    CLEAR: { address: 4, kind: 'action', doc: 'write anything: SUM and COUNT back to 0' },
    SUM: { address: 5, kind: 'status', doc: 'agreeing positions, summed over the inputs' },
    COUNT: { address: 6, kind: 'status', doc: 'inputs since the last CLEAR' },
    OUTPUT: { address: 7, kind: 'status', width: 1, doc: 'the neuron fires: SUM ≥ THRESHOLD' },
    WIDTH: { address: 8, kind: 'constant', doc: 'bits per word (--width)' },
  },
  memories: {},
  stream: { doc: 'none' },
});

export default defineDesign({
  name: 'neuron',
  summary: 'one XNOR-popcount neuron (a binary network step) on the link',
  contract: neuronContract,
  engine: new URL('./xnor_neuron.v', import.meta.url),
  options: [{ name: 'width', type: 'integer', description: 'bits per weight and activation word', defaultValue: 32 }],
  configure(options) {
    const width = (options.width as number | undefined) ?? 32;
    if (!(width >= 1 && width <= 32)) throw new UserError(`--width must be 1 … 32, got ${width}`);
    return { width };
  },
  parameters: (config) => ({ WIDTH: config.width }),

  async check(board, { config, seed }) {
    const reference = new NeuronReference(config.width);
    let state = seed >>> 0 || 1;
    const random = () => {
      // xorshift32: a seeded stimulus, the same on every run with this seed
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    const width = await board.read('WIDTH');
    if (width !== config.width) throw new Error(`WIDTH reads ${width}, the build says ${config.width}`);
    const operations = 400;
    for (let op = 0; op < operations; op++) {
      const word = random();
      const kind = random() % 16;
      if (kind === 0) {
        await board.write('WEIGHTS', word);
        reference.setWeights(word);
      } else if (kind === 1) {
        const threshold = word % (8 * config.width);
        await board.write('THRESHOLD', threshold);
        reference.setThreshold(threshold);
      } else if (kind === 2) {
        await board.write('CLEAR', 0);
        reference.clear();
      } else {
        await board.write('INPUT', word);
        reference.input(word);
      }
      if (op % 8 === 7) {
        const [sum, count, output] = [await board.read('SUM'), await board.read('COUNT'), await board.read('OUTPUT')];
        const expected = [reference.sum, reference.count, reference.fires];
        if (sum !== expected[0] || count !== expected[1] || output !== expected[2]) {
          throw new Error(
            `after operation ${op} (seed ${seed}): SUM, COUNT, OUTPUT read ${sum}, ${count}, ${output}; ` +
              `the reference says ${expected.join(', ')}`,
          );
        }
      }
    }
    const weights = await board.read('WEIGHTS');
    if (weights !== reference.weights) throw new Error(`WEIGHTS reads ${weights}, the reference ${reference.weights}`);
    return { operations, readbacks: operations / 8, seed };
  },
});
