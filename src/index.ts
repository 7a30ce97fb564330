/**
 * spinbit as a library: `import { … } from 'spinbit'`. The command line, the demo, the bench and the examples
 * use exactly these. See README ("Use as a library") and examples/.
 */
export { BOARDS, getBoard, type Board } from './boards/index.ts';
export { DESIGNS, loadDesign, resolveDesign } from './cores/index.ts';
export { elaborate, type Design, type DesignOption, type DesignOptions, type Elaborated } from './design/design.ts';
export { defineDesign, type DesignSpec, type OwnConfig, type OwnDesign } from './cores/define.ts';
export { defineContract, idValue, type Contract } from './link/contract.ts';
export { buildBitstream, type BuildEvent } from './flow/build.ts';
export type { BuildReport } from './flow/report.ts';
export { UserError } from './errors.ts';
export { targetMode, withBoard, type BoardTarget, type Target } from './run/target.ts';

// Designs
export { loopback, loopbackContract, type LoopbackConfig } from './cores/loopback/index.ts';
export { checkLoopback } from './cores/loopback/check.ts';
export { ising, isingContract, type IsingDesignConfig } from './cores/ising/index.ts';
export { runIsing, type IsingRunRequest, type IsingRunResult } from './cores/ising/run.ts';
export { parseTemperatures } from './cores/ising/config.ts';
export { ReferenceEngine, scan, type ScanOptions, type ScanResult } from './cores/ising/scan.ts';
export { IsingBoard } from './cores/ising/driver.ts';
export { bdcgan, bdcganContract, type BdcganConfig } from './cores/bdcgan/index.ts';
export { runBdcgan, type BdcganRunRequest, type BdcganRunResult } from './cores/bdcgan/run.ts';
export { imageRequests, latentVectors, parseLabels, type GenerateRequest } from './cores/bdcgan/latent.ts';
export { readModelFile, writeModelFile } from './cores/bdcgan/format.ts';
export { generate, type Model } from './cores/bdcgan/reference.ts';
export { BdcganBoard } from './cores/bdcgan/driver.ts';

// Talking to a board directly, by a design's contract
export { SpinbitBoard } from '../host/board.ts';
export { TypedBoard } from '../host/typed-board.ts';
export { VirtualBoard } from '../sim/virtual-board.ts';

// Pictures
export { writeImageGridPng, writeLatticePng } from './plot/png.ts';
export { writeScanPlot } from './cores/ising/plot.ts';
