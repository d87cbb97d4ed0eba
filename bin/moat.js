#!/usr/bin/env node
// The egress guard goes in before any other module loads, so that no library can hold on to
// an unguarded way out of the process. The rest is imported only after it.
import { installEgressGuard } from '../dist/egress/egress-guard.js';

installEgressGuard();
const { runCli } = await import('../dist/cli/index.js');

process.exitCode = await runCli(process.argv.slice(2));
