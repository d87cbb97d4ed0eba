import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { formatFieldPath } from '../errors/index.js';
import { configSchema, type MoatConfig } from './config-schema.js';
import { ENV_OVERRIDES } from './env-overrides.js';

export interface LoadConfigOptions {
  /** A YAML file; when absent, MOAT_CONFIG, then `moat.yaml` in the working folder if present. */
  configPath?: string;
  env: NodeJS.ProcessEnv;
  /** Values from command-line flags; they win over the file and the environment. */
  overrides?: { dataDir?: string; port?: number; host?: string };
}

/** A configuration that cannot be used; the message names the key, the problem and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads, merges and validates the configuration once, at start-up. */
export function loadConfig(options: LoadConfigOptions): MoatConfig {
  const { path, isExplicit } = chooseConfigPath(options);
  const raw = path === undefined ? {} : readConfigFile(path, isExplicit);

  applyEnvOverrides(raw, options.env);
  applyFlagOverrides(raw, options.overrides ?? {});

  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, path));
  checkNetworkSafety(result.data);
  return result.data;
}

function chooseConfigPath(options: LoadConfigOptions): { path?: string; isExplicit: boolean } {
  const explicit = options.configPath ?? options.env.MOAT_CONFIG;
  if (explicit !== undefined && explicit !== '') return { path: explicit, isExplicit: true };
  return { path: 'moat.yaml', isExplicit: false };
}

function readConfigFile(path: string, isExplicit: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const isMissing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (isMissing && !isExplicit) return {};
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

function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [name, override] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, override.key, override.parse(value, name));
  }
}

function applyFlagOverrides(
  raw: Record<string, unknown>,
  overrides: NonNullable<LoadConfigOptions['overrides']>,
): void {
  if (overrides.dataDir !== undefined) setPath(raw, 'dataDir', overrides.dataDir);
  if (overrides.port !== undefined) setPath(raw, 'server.port', overrides.port);
  if (overrides.host !== undefined) setPath(raw, 'server.host', overrides.host);
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

function describeIssues(issues: readonly z.core.$ZodIssue[], path: string | undefined): string {
  const source = path === undefined ? 'configuration' : `config file ${path}`;
  const lines = issues
    .slice(0, 10)
    .map((issue) => `  - ${formatKey(issue.path)}: ${fixFor(issue)}`);
  return [`${source} is not valid:`, ...lines].join('\n');
}

function formatKey(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : formatFieldPath(path);
}

function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key(s) ${issue.keys.join(', ')}; remove them or check the spelling`;
  }
  return issue.message;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

function checkNetworkSafety(config: MoatConfig): void {
  const isLoopback =
    LOOPBACK_HOSTS.has(config.server.host) || config.server.host.startsWith('127.');
  if (isLoopback || config.server.tls !== undefined || config.server.allowInsecureHttp) return;
  throw new ConfigError(
    `server.host is ${config.server.host}, which is not loopback, and server.tls is not set: ` +
      'configure server.tls.certFile and server.tls.keyFile, or set ' +
      'server.allowInsecureHttp: true if a TLS proxy in front of Moat terminates HTTPS',
  );
}
