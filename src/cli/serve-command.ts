import { parseArgs } from 'node:util';
import { loadConfig, type LoadConfigOptions, type MoatConfig } from '../config/index.js';
import type { RunningMoat } from '../main.js';
import {
  EXIT_CODES,
  parseOrUsageError,
  UsageError,
  type CliCommand,
  type CliContext,
  type ExitCode,
} from './cli-support.js';
import { handleCrash, installCrashHandlers } from './crash-report.js';
import { formatServeBanner } from './serve-banner.js';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const MAX_PORT = 65535;

export const serveCommand: CliCommand = {
  summary: 'Start the gateway',
  help: `Usage: moat serve [options]

Starts Moat. With no model configured it generates and serves a tiny demo model.
Stops cleanly on SIGINT (Ctrl-C) or SIGTERM. An error nothing handles stops it with exit
code 1; only the error's class name is printed, as its message may quote request content.

Options:
  --config FILE   Config file (default: MOAT_CONFIG, else ./moat.yaml if present)
  --data DIR      Data folder for the key store and the demo model (env: MOAT_DATA_DIR)
  --port N        Port to listen on, 0 for any free port (env: MOAT_PORT)
  --host H        Address to listen on (env: MOAT_HOST; default 127.0.0.1)

Flags win over environment variables, which win over the config file.`,
  run: runServe,
};

const SERVE_OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function runServe(args: string[], context: CliContext): Promise<ExitCode> {
  const { values } = parseOrUsageError(() =>
    parseArgs({ args, options: SERVE_OPTIONS, strict: true }),
  );
  if (values.help === true) {
    context.output.print(serveCommand.help);
    return EXIT_CODES.ok;
  }
  const config = loadConfig(toLoadConfigOptions(values, context.env));

  const state: ServeState = { moat: undefined };
  const removeCrashHandlers = installCrashHandlers((thrown) => {
    handleCrash(thrown, { output: context.output, moat: state.moat, exit: exitProcess });
  });
  try {
    return await serveUntilSignal(config, context, state);
  } finally {
    removeCrashHandlers();
  }
}

/** The gateway once started, for the crash handler to log through. */
interface ServeState {
  moat: RunningMoat | undefined;
}

async function serveUntilSignal(
  config: MoatConfig,
  context: CliContext,
  state: ServeState,
): Promise<ExitCode> {
  // Loaded here, not at the top: the server and the engine are heavy, and the other
  // commands should start fast without them.
  const { startMoat } = await import('../main.js');
  // A large model file can take many seconds to load; say what is happening meanwhile.
  const modelCount = config.models.length;
  context.output.printError(
    modelCount === 0
      ? 'moat: starting with the demo model…'
      : `moat: starting; loading ${modelCount} model${modelCount === 1 ? '' : 's'}…`,
  );
  const moat = await startMoat(config, context.env);
  state.moat = moat;
  context.output.print(
    formatServeBanner({
      url: moat.url,
      isDemoModel: moat.isDemoModel,
      modelNames: moat.modelNames,
      ...(moat.firstAdminToken === undefined ? {} : { adminToken: moat.firstAdminToken }),
      ...(moat.generatedMasterKeyFile === undefined
        ? {}
        : { generatedMasterKeyFile: moat.generatedMasterKeyFile }),
    }),
  );

  const signal = await waitForShutdownSignal();
  context.output.printError(`moat: ${signal} received, stopping (send it again to force)`);
  await moat.close();
  return EXIT_CODES.ok;
}

function exitProcess(code: number): void {
  process.exit(code);
}

/** Flags become overrides, which loadConfig lets win over the environment and the file. */
function toLoadConfigOptions(
  values: { config?: string; data?: string; port?: string; host?: string },
  env: NodeJS.ProcessEnv,
): LoadConfigOptions {
  const overrides: NonNullable<LoadConfigOptions['overrides']> = {};
  if (values.data !== undefined) overrides.dataDir = values.data;
  if (values.port !== undefined) overrides.port = parsePort(values.port);
  if (values.host !== undefined) overrides.host = values.host;

  const options: LoadConfigOptions = { env, overrides };
  if (values.config !== undefined) options.configPath = values.config;
  return options;
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port <= MAX_PORT)) throw new UsageError(`--port must be a number from 0 to ${MAX_PORT}`);
  return port;
}

/** Resolves on the first signal, then lets a second one end the process the default way. */
function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      for (const name of SHUTDOWN_SIGNALS) process.off(name, onSignal);
      resolve(signal);
    };
    for (const name of SHUTDOWN_SIGNALS) process.on(name, onSignal);
  });
}
