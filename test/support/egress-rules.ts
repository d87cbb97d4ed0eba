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
  return egressYaml([{ destination: LOOPBACK_TEST_RULE.destination, ports: ['1-65535'] }]);
}

/** An `egress:` section allowing each destination on its ports, with the test justification. */
export function egressYaml(
  rules: readonly { destination: string; ports: readonly (number | string)[] }[],
): string {
  const lines = ['egress:', '  allow:'];
  for (const rule of rules) {
    lines.push(
      `    - destination: "${rule.destination}"`,
      `      ports: ${JSON.stringify(rule.ports)}`,
      `      justification: "${LOOPBACK_TEST_RULE.justification}"`,
      `      approvedBy: "${LOOPBACK_TEST_RULE.approvedBy}"`,
      `      expires: "${LOOPBACK_TEST_RULE.expires}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}
