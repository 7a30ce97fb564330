#!/usr/bin/env node
// Entry point of the `spinbit` command: registers tsx so the TypeScript sources run directly, no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
