/** Only names shaped like Moat's class names are ever shown; anything else is dropped. */
const CLASS_NAME = /^[A-Z][A-Z0-9_]{0,39}$/;

/**
 * The class names in a list such as Moat's `X-Moat-Redacted` header or its
 * `content_blocked` message ("… policy blocks: SECRET, IBAN_CODE."). Values never travel in
 * either, and this keeps it so on screen: only class-shaped words survive.
 */
export function classNamesIn(list: string): string[] {
  return list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => CLASS_NAME.test(name));
}

/** The classes a `content_blocked` message names, or none when it has no such list. */
export function blockedClassesIn(message: string): string[] {
  const list = /blocks: ([A-Z0-9_, ]+)\.$/.exec(message)?.[1];
  return list === undefined ? [] : classNamesIn(list);
}
