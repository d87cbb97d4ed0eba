import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './error-codes.js';

const docsText = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** Rows of the code table in the docs, by code; cells trimmed, so column padding is free. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of docsText.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const code = /^`([a-z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code !== undefined) rows.set(code, cells.slice(2));
  }
  return rows;
}

describe('docs/errors.md', () => {
  it('lists exactly the codes of the code table', () => {
    expect([...documentedRows().keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it('gives each code the status, type and retry advice of the table', () => {
    const rows = documentedRows();
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const [status, type, retryable] = rows.get(code) ?? [];
      expect({ code, status, type, retryable }).toEqual({
        code,
        status: String(entry.status),
        type: entry.type,
        retryable: entry.isRetryable ? 'yes' : 'no',
      });
    }
  });
});
