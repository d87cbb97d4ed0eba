import type { Opening } from './firewall-opening.js';
import { formatIpRange, rangeFamily } from './ip-address.js';

/**
 * The allow-list as an nftables script; docs/egress.md explains each rule. Loading it
 * replaces Moat's own table and touches nothing else.
 */
export function nftablesText(parts: {
  user: string;
  openings: Opening[];
  header: string[];
}): string {
  const accepts = parts.openings.flatMap((opening) => {
    const family = rangeFamily(opening.range) === 4 ? 'ip' : 'ip6';
    const destination = formatIpRange(opening.range);
    const ports = opening.ports.join(', ');
    return [
      `\t\t# ${opening.comment}`,
      `\t\t${family} daddr ${destination} ${opening.protocol} dport { ${ports} } accept`,
    ];
  });
  const user = /^\d+$/.test(parts.user) ? parts.user : `"${parts.user}"`;

  return [
    ...parts.header.map((line) => `# ${line}`),
    '# Load with: nft -f FILE (as root). Loading again replaces this table and no other.',
    '',
    'table inet moat_egress',
    'delete table inet moat_egress',
    '',
    'table inet moat_egress {',
    '\t# Packets dropped below. Read it with: nft list counter inet moat_egress dropped',
    '\tcounter dropped {',
    '\t}',
    '',
    '\tchain output {',
    '\t\ttype filter hook output priority filter; policy accept;',
    '',
    '\t\t# Only packets sent from a socket of the service user go on to the checks. Packets of',
    '\t\t# other users, and those the kernel sends on its own (neighbour discovery), pass.',
    `\t\tmeta skuid ${user} jump service_user`,
    '\t}',
    '',
    '\tchain service_user {',
    "\t\t# Replies on connections already open: answers to Moat's own clients, and allowed",
    '\t\t# connections once their first packet passed the rules below.',
    '\t\tct state established,related accept',
    ...accepts,
    '\t\t# Everything else the service user sends, loopback included: counted, then dropped.',
    '\t\tcounter name "dropped" drop',
    '\t}',
    '}',
    '',
  ].join('\n');
}
