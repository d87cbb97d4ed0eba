import { describe, expect, it } from 'vitest';
import { egressRuleSchema } from './egress-rule-schema.js';
import { whyApproverIsWeak, whyJustificationIsWeak } from './rule-text-checks.js';

/** Justifications written for real rules in this repository's tests and documentation. */
const REAL_REASONS = [
  'Ollama serves the chat model on this machine.',
  'Ollama serves the llama3.1 model on this machine.',
  'The vLLM pool that serves the larger models.',
  'The vLLM server that runs the Qwen model.',
  'The team runs its inference servers there.',
  'Internal inference pool on the private IPv6 network.',
  'The upstream inference server for the team runs there.',
  'The PostgreSQL primary that holds memory and audit.',
  'The test listener stands in for an approved upstream.',
  'Tests reach stand-in upstreams and Moat itself on random loopback ports.',
  'The listener on the outside namespace stands in for an upstream.',
  "Ollama and llama-server run the team's models on this machine.",
  'A name rule, to show a name that resolves to loopback is refused.',
  'The embeddings server for search, approved in SEC-20251 after a review.',
  'The vLLM pool in the NA-east region serves the larger models.',
];

describe('whyJustificationIsWeak', () => {
  it.each(REAL_REASONS)('accepts %j', (text) => {
    expect(whyJustificationIsWeak(text)).toBeUndefined();
  });

  it.each([
    'todo: fill this in later',
    'see ticket SEC-20251',
    'tbd, to be filled in',
    'Ollama on this machine, todo',
    'fixme before the release goes out',
    'xxx xxx xxx xxx xxx',
    'N/A for this kind of host',
    'n.a. on this host, the model runs here',
    'Lorem ipsum dolor sit amet, consectetur adipiscing',
    'See Jira OPS-1234 for the details',
    'see link https://wiki.example.com/egress/page',
    'Details to follow when the pool is set up',
    'Will explain the reason for this later on',
    'To be decided by the platform team',
    'Someone should fill in this field',
  ])('refuses the placeholder %j, in any case', (text) => {
    for (const spelling of [text, text.toUpperCase()]) {
      expect(whyJustificationIsWeak(spelling), spelling).toBe(
        'is a placeholder, not a reason; say why Moat must reach this destination',
      );
    }
  });

  it.each([
    'This is required because we need it',
    'Needed for the connection to work',
    'SEC-20251 OPS-1234 https://tickets.example.com/1',
    'blah blah blah blah blah blah',
  ])('refuses %j, which names no reason', (text) => {
    expect(whyJustificationIsWeak(text)).toMatch(/^(is a placeholder|gives no reason)/);
  });

  it('refuses text too short to be a sentence', () => {
    expect(whyJustificationIsWeak('Ollama upstream')).toBe(
      'must say in a sentence (at least 3 words) why it is needed',
    );
  });
});

describe('whyApproverIsWeak', () => {
  it.each(['Dana Fischer (security)', 'Ops lead', 'guard test', 'moat test suite', 'CISO'])(
    'accepts %j',
    (text) => {
      expect(whyApproverIsWeak(text)).toBeUndefined();
    },
  );

  it.each([
    'TBD',
    'todo',
    'n/a',
    'N/A',
    'none',
    'someone',
    'me',
    '??',
    '--',
    'xxx',
    'to be decided',
  ])('refuses %j', (text) => {
    expect(whyApproverIsWeak(text)).toBe(
      'is a placeholder; name the person or role who approved the rule',
    );
  });

  it('refuses a rule approved by TBD, naming approvedBy', () => {
    const result = egressRuleSchema.safeParse({
      destination: '10.0.0.5',
      ports: [8000],
      justification: 'The vLLM server that runs the Qwen model.',
      approvedBy: 'TBD',
      expires: '2030-01-01',
    });

    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['approvedBy', 'is a placeholder; name the person or role who approved the rule'],
    ]);
  });
});
