import { describe, expect, it } from 'vitest';
import { findUnallowedDestinations } from './configured-destinations.js';
import { EgressPolicy } from './egress-policy.js';

const NOW_MS = Date.parse('2026-06-01T00:00:00Z');

const policy = new EgressPolicy([
  {
    destination: '127.0.0.1',
    ports: [11434],
    justification: 'Ollama serves the chat model on this machine.',
    approvedBy: 'Ops lead',
    expires: '2030-01-01',
  },
  {
    destination: 'db.internal.example',
    ports: [5432],
    justification: 'The PostgreSQL primary that holds memory and audit.',
    approvedBy: 'Ops lead',
    expires: '2026-01-01',
  },
]);

describe('findUnallowedDestinations', () => {
  it('passes destinations a rule allows, by address and default port', () => {
    const destinations = [
      { key: 'models[1].baseUrl', url: 'http://127.0.0.1:11434/v1' },
      { key: 'models[2].baseUrl', url: 'http://[::ffff:127.0.0.1]:11434/v1' },
      { key: 'models[3].baseUrl', url: 'http://0x7f.0.0.1:11434/v1' },
    ];
    expect(findUnallowedDestinations(policy, destinations, NOW_MS)).toEqual([]);
  });

  it('names the key, host and port, never the password in the URL', () => {
    const problems = findUnallowedDestinations(
      policy,
      [
        { key: 'store.url', url: 'postgres://moat:hunter2secret@db.internal.example/moat' },
        { key: 'models[1].baseUrl', url: 'https://api.example.com/v1' },
        { key: 'store.url', url: 'postgres:///moat?host=/var/run/postgresql' },
      ],
      NOW_MS,
    );
    expect(problems.map((problem) => problem.key)).toEqual([
      'store.url',
      'models[1].baseUrl',
      'store.url',
    ]);
    expect(problems[0]?.text).toContain('db.internal.example port 5432');
    expect(problems[0]?.text).toContain('has expired');
    expect(problems[1]?.text).toContain('api.example.com port 443, but no rule allows it');
    expect(problems[2]?.text).toContain('names no TCP host');
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });
});
