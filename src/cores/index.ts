/** The design registry: every design the CLI and the library can build, lint and simulate, with its self-check. */
import { registerDesign, type RegisteredDesign } from '../design/design.ts';
import { bdcgan } from './bdcgan/index.ts';
import { selfCheckBdcgan } from './bdcgan/run.ts';
import { ising } from './ising/index.ts';
import { selfCheckIsing } from './ising/run.ts';
import { selfCheckLoopback } from './loopback/check.ts';
import { loopback } from './loopback/index.ts';

export const DESIGNS: Record<string, RegisteredDesign> = {
  loopback: registerDesign(loopback, selfCheckLoopback),
  ising: registerDesign(ising, selfCheckIsing),
  bdcgan: registerDesign(bdcgan, selfCheckBdcgan),
};
