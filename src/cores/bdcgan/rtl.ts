/**
 * Generated parts of the B-DCGAN generator hardware: the layer program (sizes and memory-image bases per
 * layer) that hdl/bdcgan_engine.v's sequencer follows. Work in progress: the engine runs at core level
 * (tests/bdcgan-engine.test.ts); the link, host upload and the design come next.
 */
import type { LeafCell } from '../../hdl/cells.ts';
import { Module } from '../../hdl/module.ts';
import { layerInputs, type Architecture } from './arch.ts';
import { imageLayout } from './image.ts';

/** Address bits of the model memory for an architecture's image. */
export function modelAddressBits(arch: Architecture): number {
  return Math.max(8, Math.ceil(Math.log2(imageLayout(arch).words)));
}

export function layersModule(arch: Architecture): Module {
  const layout = imageLayout(arch);
  const addressBits = modelAddressBits(arch);
  const m = new Module('bdcgan_layers', [`bdcgan_layers: the layer program of the '${arch.name}' generator (src/cores/bdcgan/rtl.ts).`]);
  m.input('layer', 3)
    .output('kind', 2, '0 dense, 1 binary deconvolution, 2 last layer', { reg: true })
    .output('n_in', 16, 'inputs including labels', { reg: true })
    .output('prev', 16, 'stored inputs (before the labels)', { reg: true })
    .output('outputs', 16, 'outputs (dense) or output channels', { reg: true })
    .output('out_pixels', 16, 'dense: pixels of the reshaped output (1 when a dense layer follows)', { reg: true })
    .output('out_words', 16, 'activation words per output pixel', { reg: true })
    .output('in_words', 16, 'activation words per input pixel', { reg: true })
    .output('row_words', 16, 'model words per weight row (per output, or per output and tap)', { reg: true })
    .output('size', 8, 'deconvolution input side', { reg: true })
    .output('kernel', 3, undefined, { reg: true })
    .output('pad', 3, undefined, { reg: true })
    .output('with_label', 1, undefined, { reg: true })
    .output('weight_base', addressBits, undefined, { reg: true })
    .output('param_base', addressBits, undefined, { reg: true });
  const lines = arch.layers.map((layer, i) => {
    const inputs = layerInputs(layer, arch.labels);
    const next = arch.layers[i + 1];
    const region = layout.regions[i]!;
    let fields: Record<string, number>;
    if (layer.kind === 'dense') {
      const toDeconv = next?.kind === 'deconv';
      const channels = toDeconv ? arch.reshape.channels : layer.outputs;
      fields = {
        kind: 0, n_in: inputs, prev: layer.inputs, outputs: layer.outputs,
        out_pixels: toDeconv ? arch.reshape.side ** 2 : 1, out_words: Math.ceil(channels / 16), in_words: Math.ceil(layer.inputs / 16),
        row_words: Math.ceil(inputs / 16), size: 0, kernel: 0, pad: 0, with_label: layer.label ? 1 : 0,
      };
    } else {
      fields = {
        kind: layer.last ? 2 : 1, n_in: inputs, prev: layer.inChannels, outputs: layer.outChannels, out_pixels: 0,
        out_words: layer.last ? 0 : Math.ceil(layer.outChannels / 16), in_words: Math.ceil(layer.inChannels / 16),
        row_words: layer.last ? Math.ceil(inputs / 2) : Math.ceil(inputs / 16), size: layer.size, kernel: layer.kernel,
        pad: layer.kernel === 4 ? 1 : 2, with_label: layer.label ? 1 : 0,
      };
    }
    fields.weight_base = region.weights;
    fields.param_base = region.params;
    return `        3'd${i}: begin ${Object.entries(fields).map(([k, v]) => `${k} = ${v};`).join(' ')} end`;
  });
  m.body(`always @* begin
    kind = 2'd0; n_in = 16'd0; prev = 16'd0; outputs = 16'd0; out_pixels = 16'd0; out_words = 16'd0; in_words = 16'd0;
    row_words = 16'd0; size = 8'd0; kernel = 3'd0; pad = 3'd0; with_label = 1'b0; weight_base = ${addressBits}'d0; param_base = ${addressBits}'d0;
    case (layer)
${lines.join('\n')}
        default: ;
    endcase
end`);
  return m;
}



export const bdcganEngineCell: LeafCell = {
  name: 'bdcgan_engine',
  file: 'bdcgan_engine.v',
  params: { MODEL_WORDS: 32768, MODEL_BITS: 15, ACT_WORDS: 1024, ACT_BITS: 10, Z_WORDS: 4 },
  ports: {
    clk: { direction: 'input', width: 1 },
    rst: { direction: 'input', width: 1 },
    model_write: { direction: 'input', width: 1 },
    model_read_host: { direction: 'input', width: 1 },
    model_addr: { direction: 'input', width: (p) => p.MODEL_BITS! },
    model_wdata: { direction: 'input', width: 16 },
    model_rdata: { direction: 'output', width: 16 },
    z_value: { direction: 'input', width: (p) => p.Z_WORDS! * 16 },
    z_present: { direction: 'input', width: (p) => p.Z_WORDS! * 16 },
    label: { direction: 'input', width: 4 },
    start: { direction: 'input', width: 1 },
    busy: { direction: 'output', width: 1 },
    pixel: { direction: 'output', width: 8 },
    pixel_valid: { direction: 'output', width: 1 },
    pixel_ready: { direction: 'input', width: 1 },
  },
};
