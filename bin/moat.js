#!/usr/bin/env node
// The egress guard goes in before any other module loads, so that no library holds a public
// way out of the process taken from before it. It starts with an empty allow-list; each
// command puts the configuration's in force. The host rules, not this guard, stop code that
// sets out to get past it. The rest is imported only after it.
import { installEgressGuard } from '../dist/egress/egress-guard.js';

installEgressGuard();
const { runCli } = await import('../dist/cli/index.js');

process.exitCode = await runCli(process.argv.slice(2));
