/** A configuration that cannot be used; the message names the key, the problem and the fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** One thing wrong with one key, in words that never quote the key's value. */
export interface ConfigProblem {
  /** The key as written in the file: `server.port`, `models[0].baseUrl`. */
  key: string;
  text: string;
}

/** Where the keys of one configuration came from. */
export interface ConfigOrigin {
  /** The file that was read, if any. */
  filePath: string | undefined;
  /** Keys set by an environment variable or a flag, and the variable or flag that set them. */
  overrideSources: ReadonlyMap<string, string>;
}

/** Enough to fix a file in one pass, few enough to read. */
const MAX_PROBLEMS = 10;

/**
 * One message for all problems found, each blamed on where its key came from: a key set by
 * `MOAT_PORT` is reported as `MOAT_PORT (server.port)`, never as a fault of the file.
 */
export function formatProblems(problems: readonly ConfigProblem[], origin: ConfigOrigin): string {
  const fromOverrides: string[] = [];
  const fromFile: string[] = [];
  for (const problem of problems.slice(0, MAX_PROBLEMS)) {
    const source = origin.overrideSources.get(problem.key);
    if (source === undefined) fromFile.push(`  - ${problem.key}: ${problem.text}`);
    else fromOverrides.push(`  - ${source} (${problem.key}): ${problem.text}`);
  }

  const sections: string[] = [];
  if (fromOverrides.length > 0) {
    sections.push('settings from the environment or command line are not valid:', ...fromOverrides);
  }
  if (fromFile.length > 0) {
    const source =
      origin.filePath === undefined ? 'configuration' : `config file ${origin.filePath}`;
    sections.push(`${source} is not valid:`, ...fromFile);
  }
  return sections.join('\n');
}
