/**
 * Generated parts of the B-DCGAN generator hardware: the layer program (sizes, strides and memory-image bases
 * per layer) that hdl/bdcgan_engine.v's sequencer follows, and the engine's cell description.
 */
import { leafCell, type LeafCell } from '../../hdl/cells.ts';
import { Module } from '../../hdl/module.ts';
import { labelCopies, type Architecture } from './arch.ts';
import { imageLayout } from './image.ts';

/** Row address bits of the model memory for an architecture's image at a datapath width. */
export function modelRowBits(arch: Architecture, width: number): number {
  return Math.max(13, Math.ceil(Math.log2(imageLayout(arch, width).rows)));
}

/** Activation words per bank: the largest layer output (pixels × words per pixel), as address bits. */
export function activationBits(arch: Architecture, width: number): number {
  let most = 1;
  arch.layers.forEach((layer, i) => {
    const next = arch.layers[i + 1];
    if (layer.kind === 'dense') {
      const toDeconv = next?.kind === 'deconv';
      most = Math.max(
        most,
        toDeconv ? arch.reshape.side ** 2 * Math.ceil(arch.reshape.channels / width) : Math.ceil(layer.outputs / width),
      );
    } else if (!layer.last) most = Math.max(most, (2 * layer.size) ** 2 * Math.ceil(layer.outChannels / width));
  });
  return Math.max(4, Math.ceil(Math.log2(most)));
}

/** The layer program: per layer, the sizes, strides and memory bases the sequencer follows. */
export function layersModule(arch: Architecture, width: number): Module {
  const layout = imageLayout(arch, width);
  const rowBits = modelRowBits(arch, width);
  const m = new Module('bdcgan_layers', [
    `bdcgan_layers: the layer program of the '${arch.name}' generator at datapath width ${width} ` +
      '(src/cores/bdcgan/rtl.ts).',
  ]);
  m.input('layer', 3)
    .output('kind', 2, '0 dense, 1 binary deconvolution, 2 last layer', { reg: true })
    .output('last', 1, 'the last layer of the generator', { reg: true })
    .output('prev', 12, 'stored inputs of a weight row (the labels follow)', { reg: true })
    .output('with_label', 1, undefined, { reg: true })
    .output('copies_log2', 2, 'log2 of the copies of each label input (they are adjacent and all +1)', { reg: true })
    .output('rows', 6, 'model rows per output (dense) or per tap', { reg: true })
    .output('outputs', 12, 'dense outputs, or output channels', { reg: true })
    .output('out_pixels', 6, 'dense: pixels of the reshaped output (1 when a dense layer follows)', { reg: true })
    .output('out_words', 4, 'activation words per output pixel', { reg: true })
    .output('in_words', 4, 'activation words per input pixel', { reg: true })
    .output('size', 5, 'deconvolution input side', { reg: true })
    .output('out_side', 6, undefined, { reg: true })
    .output('kernel', 3, undefined, { reg: true })
    .output('pad', 2, undefined, { reg: true })
    .output('taps_last', 2, 'candidate taps per axis − 1', { reg: true })
    .output('tap_stride_y', 10, 'kernel · rows', { reg: true })
    .output('channel_stride', 12, 'kernel² · rows', { reg: true })
    .output('weight_base', rowBits, undefined, { reg: true })
    .output('param_base', rowBits, undefined, { reg: true });
  const widths: Record<string, number> = {
    kind: 2,
    last: 1,
    prev: 12,
    with_label: 1,
    copies_log2: 2,
    rows: 6,
    outputs: 12,
    out_pixels: 6,
    out_words: 4,
    in_words: 4,
    size: 5,
    out_side: 6,
    kernel: 3,
    pad: 2,
    taps_last: 2,
    tap_stride_y: 10,
    channel_stride: 12,
    weight_base: rowBits,
    param_base: rowBits,
  };
  const lines = arch.layers.map((layer, i) => {
    const next = arch.layers[i + 1];
    const region = layout.regions[i]!;
    const rows = region.rowsPerTap;
    const copies = Math.max(1, labelCopies(layer));
    const rowWidth = layer.kind === 'deconv' && layer.last ? width / 8 : width;
    const stored = layer.kind === 'dense' ? layer.inputs : layer.inChannels;
    // the engine's label mask assumes a label's copies share one row: R a power of two dividing the row and
    // the stored inputs before the labels
    if (![1, 2, 4, 8].includes(copies) || stored % copies !== 0 || rowWidth % copies !== 0) {
      throw new RangeError(
        `layer ${i}: ${copies} label copies need a power of two up to 8 dividing ${stored} inputs ` +
          `and the ${rowWidth}-input row`,
      );
    }
    let fields: Record<string, number>;
    if (layer.kind === 'dense') {
      const toDeconv = next?.kind === 'deconv';
      const channels = toDeconv ? arch.reshape.channels : layer.outputs;
      fields = {
        kind: 0,
        last: 0,
        prev: layer.inputs,
        with_label: layer.label ? 1 : 0,
        copies_log2: Math.log2(copies),
        rows,
        outputs: layer.outputs,
        out_pixels: toDeconv ? arch.reshape.side ** 2 : 1,
        out_words: toDeconv ? Math.ceil(channels / width) : 0,
        in_words: 0,
        size: 0,
        out_side: 0,
        kernel: 0,
        pad: 0,
        taps_last: 0,
        tap_stride_y: 0,
        channel_stride: 0,
      };
    } else {
      const k = layer.kernel;
      fields = {
        kind: layer.last ? 2 : 1,
        last: layer.last ? 1 : 0,
        prev: layer.inChannels,
        with_label: layer.label ? 1 : 0,
        copies_log2: Math.log2(copies),
        rows,
        outputs: layer.outChannels,
        out_pixels: 0,
        out_words: layer.last ? 0 : Math.ceil(layer.outChannels / width),
        in_words: Math.ceil(layer.inChannels / width),
        size: layer.size,
        out_side: 2 * layer.size,
        kernel: k,
        pad: k === 4 ? 1 : 2,
        taps_last: k === 4 ? 1 : 2,
        tap_stride_y: k * rows,
        channel_stride: k * k * rows,
      };
    }
    fields.weight_base = region.weights;
    fields.param_base = region.params;
    for (const [name, value] of Object.entries(fields)) {
      if (value >= 2 ** widths[name]!)
        throw new RangeError(`layer ${i}: ${name} = ${value} does not fit ${widths[name]} bits`);
    }
    return `        3'd${i}: begin ${Object.entries(fields)
      .map(([k, v]) => `${k} = ${widths[k]}'d${v};`)
      .join(' ')} end`;
  });
  m.body(`always @* begin
    ${Object.keys(widths)
      .map((k) => `${k} = ${widths[k]}'d0;`)
      .join(' ')}
    case (layer)
${lines.join('\n')}
        default: ;
    endcase
end`);
  return m;
}

export const bdcganEngineCell: LeafCell = leafCell('bdcgan_engine.v');
