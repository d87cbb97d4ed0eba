import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { formatFieldPath } from '../errors/index.js';
import {
  ConfigError,
  formatProblems,
  type ConfigOrigin,
  type ConfigProblem,
} from './config-error.js';
import { describeConfigIssue } from './config-issues.js';
import { configSchema, type MoatConfig } from './config-schema.js';
import { ENV_OVERRIDES } from './env-overrides.js';
import { whyNotLoopback } from './loopback-host.js';

export interface LoadConfigOptions {
  /** A YAML file; when absent, MOAT_CONFIG, then `moat.yaml` in the working folder if present. */
  configPath?: string;
  env: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over the file and the environment. */
  overrides?: { dataDir?: string; port?: number; host?: string };
}

type FlagOverrides = NonNullable<LoadConfigOptions['overrides']>;

/** The key each flag sets, and the flag's name in error messages. */
const FLAG_KEYS = {
  dataDir: { key: 'dataDir', flag: '--data' },
  port: { key: 'server.port', flag: '--port' },
  host: { key: 'server.host', flag: '--host' },
} as const satisfies Record<keyof FlagOverrides, { key: string; flag: string }>;

/** The merged settings before validation, and which keys the environment or flags set. */
interface RawConfig {
  values: Record<string, unknown>;
  overrideSources: Map<string, string>;
}

/** Reads, merges and validates the configuration once, at start-up. */
export function loadConfig(options: LoadConfigOptions): MoatConfig {
  const { path, isExplicit } = chooseConfigPath(options);
  const fromFile = readConfigFile(path, isExplicit);

  const raw: RawConfig = { values: fromFile ?? {}, overrideSources: new Map() };
  applyEnvOverrides(raw, options.env);
  applyFlagOverrides(raw, options.overrides ?? {});
  const origin: ConfigOrigin = {
    filePath: fromFile === undefined ? undefined : path,
    overrideSources: raw.overrideSources,
  };

  const result = configSchema.safeParse(raw.values, { error: describeConfigIssue });
  if (!result.success) throw new ConfigError(formatProblems(toProblems(result.error), origin));

  checkNetworkSafety(result.data, origin);
  checkTlsFiles(result.data, origin);
  return result.data;
}

function chooseConfigPath(options: LoadConfigOptions): { path: string; isExplicit: boolean } {
  const explicit = options.configPath ?? options.env.MOAT_CONFIG;
  if (explicit !== undefined && explicit !== '') return { path: explicit, isExplicit: true };
  return { path: 'moat.yaml', isExplicit: false };
}

/** The file's settings, or undefined when the default file is simply not there. */
function readConfigFile(path: string, isExplicit: boolean): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const isMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (isMissing && !isExplicit) return undefined;
    throw new ConfigError(
      `cannot read config file ${path}: ${isMissing ? 'not found' : 'unreadable'}`,
    );
  }

  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    throw new ConfigError(`config file ${path} is not valid YAML; check indentation and quoting`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a mapping of keys at its top level`);
  }
  return parsed as Record<string, unknown>;
}

function applyEnvOverrides(raw: RawConfig, env: NodeJS.ProcessEnv): void {
  for (const [name, override] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;

    setPath(raw.values, override.key, override.parse(value));
    raw.overrideSources.set(override.key, name);
  }
}

function applyFlagOverrides(raw: RawConfig, overrides: FlagOverrides): void {
  for (const [option, { key, flag }] of Object.entries(FLAG_KEYS)) {
    const value = overrides[option as keyof FlagOverrides];
    if (value === undefined) continue;

    setPath(raw.values, key, value);
    raw.overrideSources.set(key, flag);
  }
}

function setPath(target: Record<string, unknown>, dottedKey: string, value: unknown): void {
  const parts = dottedKey.split('.');
  const last = parts.pop() as string;
  let node = target;
  for (const part of parts) {
    const child = node[part];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[last] = value;
}

function toProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({
    key: issue.path.length === 0 ? '(top level)' : formatFieldPath(issue.path),
    text: issue.message,
  }));
}

function checkNetworkSafety(config: MoatConfig, origin: ConfigOrigin): void {
  const { host, tls, allowInsecureHttp } = config.server;
  if (tls !== undefined || allowInsecureHttp) return;
  const reason = whyNotLoopback(host);
  if (reason === undefined) return;

  const text =
    `${reason}, and server.tls is not set: listen on 127.0.0.1, ::1 or localhost, configure ` +
    'server.tls.certFile and server.tls.keyFile, or set server.allowInsecureHttp: true if a ' +
    'TLS proxy in front of Moat terminates HTTPS';
  throw new ConfigError(formatProblems([{ key: 'server.host', text }], origin));
}

/** Checked here so that a wrong path stops start-up with the key's name, not a file error. */
function checkTlsFiles(config: MoatConfig, origin: ConfigOrigin): void {
  const { tls } = config.server;
  if (tls === undefined) return;

  const problems: ConfigProblem[] = [];
  for (const name of ['certFile', 'keyFile'] as const) {
    const reason = whyUnreadable(tls[name]);
    if (reason !== undefined) {
      problems.push({
        key: `server.tls.${name}`,
        text: `cannot be read (${reason}); give the path of a PEM file Moat's user may read`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(formatProblems(problems, origin));
}

function whyUnreadable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'not a file';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'not found';
    return code === 'EACCES' ? 'permission denied' : 'unreadable';
  }
}
