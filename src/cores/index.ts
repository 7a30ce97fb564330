/** The design registry: every design the CLI and the library can build, lint and simulate. */
import type { Design } from './design.ts';
import { loopback } from './loopback/index.ts';
import { ising } from './ising/index.ts';
import { bdcgan } from './bdcgan/index.ts';

export const DESIGNS: Record<string, Design<any>> = { loopback, ising, bdcgan };

