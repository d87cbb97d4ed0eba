/**
 * The allow-list rule test Moats run with: stand-in upstreams, the test's own clients and
 * the sentinel listeners all live on loopback, on ports chosen at random.
 */
export const LOOPBACK_TEST_RULE = {
  destination: '127.0.0.1',
  ports: ['1-65535'],
  justification: 'Tests reach stand-in upstreams and Moat itself on random loopback ports.',
  approvedBy: 'moat test suite',
  expires: '2099-12-31',
} as const;

/** The same rule as a YAML `egress:` section for config files written by tests. */
export function loopbackEgressYaml(): string {
  const rule = LOOPBACK_TEST_RULE;
  return [
    'egress:',
    '  allow:',
    `    - destination: "${rule.destination}"`,
    `      ports: ["${rule.ports[0]}"]`,
    `      justification: "${rule.justification}"`,
    `      approvedBy: "${rule.approvedBy}"`,
    `      expires: "${rule.expires}"`,
    '',
  ].join('\n');
}
