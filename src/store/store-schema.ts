/**
 * One step of a part's schema. Versions are dense per part, start at 1 and are only ever
 * appended; a shipped step never changes.
 */
export interface SchemaStep {
  version: number;
  description: string;
  /** Statements for this backend, run in one transaction with the version record. */
  sql: string;
}

/**
 * The tables of one part (api keys, memory, audit …) on one backend. Parts version their
 * schemas independently, so that work on one part never renumbers another's steps.
 */
export interface PartSchema {
  /** Stable name, recorded in the store: `api-keys`. */
  part: string;
  steps: readonly SchemaStep[];
}

/** The newest version of a part this build knows. */
export function latestVersion(schema: PartSchema): number {
  return schema.steps.reduce((max, step) => Math.max(max, step.version), 0);
}

/**
 * Returns the reason a store cannot be opened by this build, or undefined when it can. A
 * store is too new when it records a part this build does not know, or a part at a version
 * past the newest this build knows: writing to it could corrupt it.
 */
export function findNewerSchema(
  recorded: ReadonlyMap<string, number>,
  known: readonly PartSchema[],
): string | undefined {
  for (const [part, version] of recorded) {
    const schema = known.find((candidate) => candidate.part === part);
    if (schema === undefined) return `part "${part}" (version ${version}), unknown to this Moat`;

    const latest = latestVersion(schema);
    if (version > latest) {
      return `part "${part}" at schema version ${version}, but this Moat knows only versions up to ${latest}`;
    }
  }
  return undefined;
}

/** The refusal for a store written by a newer Moat; `where` names the file or `store.url`. */
export function newerStoreError(where: string, reason: string): Error {
  return new Error(
    `the store ${where} holds ${reason}; it was written by a newer Moat. ` +
      'Upgrade Moat, or point it at another store. The store was not changed.',
  );
}

/** The table every backend keeps its applied steps in. */
export const MIGRATIONS_TABLE = 'store_migrations';
