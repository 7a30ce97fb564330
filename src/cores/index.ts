/** The design registry: every design the CLI and the library can build, lint and simulate. */
import { choose } from '../errors.ts';
import type { Design } from './design.ts';
import { loopback } from './loopback/index.ts';

export const DESIGNS: Record<string, Design<any>> = { loopback };

export function getDesign(name: string): Design<any> {
  return choose('design', name, DESIGNS);
}
