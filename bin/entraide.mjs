#!/usr/bin/env node
// The CLI runs the TypeScript sources directly: one less build step between a clone and a running node.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
