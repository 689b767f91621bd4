#!/usr/bin/env node
// pnpm serve [--port N] [--isolate] [--log]: serves dist/ on http://localhost:N/ (default 8080).
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const server = await startServer(dist, { port, isolate: args.includes('--isolate'), log: args.includes('--log') });
console.log(`camtl web demo: ${server.url}  (serving ${dist}; Ctrl-C to stop)`);
