import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from './audit-actions.js';

describe('docs/audit.md', () => {
  it('lists every audit action with its description, and no other', () => {
    const docs = readFileSync(new URL('../../docs/audit.md', import.meta.url), 'utf8');
    const rows = [...docs.matchAll(/^\| `([a-z-]+\.[a-z.-]+)` +\| (.+?) +\|$/gm)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(Object.fromEntries(rows)).toEqual(AUDIT_ACTIONS);
  });
});
