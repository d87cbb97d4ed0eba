import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  EXIT_CODES,
  parseOrUsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { DATA_DIR_OPTIONS_HELP, resolveDataDir } from './data-dir.js';

/** Where `moat serve` looks for the demo model, relative to the data folder. */
const DEMO_MODEL_RELATIVE_PATH = join('models', 'demo.gguf');

const makeDemoCommand: CliCommand = {
  summary: 'Write the tiny generated demo model (a GGUF file)',
  help: `Usage: moat models make-demo [options]

Generates the demo model: a few hundred KB of random weights whose answers are word
salad. Nothing is downloaded. Useful to test a deployment end to end.

Options:
  --out FILE      Where to write it (default: <data folder>/${DEMO_MODEL_RELATIVE_PATH})
${DATA_DIR_OPTIONS_HELP}`,
  run: runMakeDemo,
};

export const MODELS_SUBCOMMANDS = {
  'make-demo': makeDemoCommand,
} as const satisfies Record<string, CliCommand>;

async function runMakeDemo(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({
      args,
      options: {
        out: { type: 'string' },
        data: { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }),
  );
  if (values.help === true) {
    context.output.print(makeDemoCommand.help);
    return EXIT_CODES.ok;
  }

  const outPath =
    values.out ??
    join(
      resolveDataDir({ dataFlag: values.data, configFlag: values.config, env: context.env }),
      DEMO_MODEL_RELATIVE_PATH,
    );
  mkdirSync(dirname(outPath), { recursive: true, mode: 0o700 });

  // Loaded here so that the other commands do not pay for the inference modules.
  const { writeDemoModel } = await import('../inference/index.js');
  await writeDemoModel(outPath);
  context.output.print(`Wrote the demo model to ${outPath}`);
  return EXIT_CODES.ok;
}
