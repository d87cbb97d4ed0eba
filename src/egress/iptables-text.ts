import type { Opening } from './firewall-opening.js';
import { formatIpRange, rangeFamily } from './ip-address.js';

/**
 * The allow-list for one IP family as `iptables-restore` input: a chain the service user's
 * packets jump to, with the same steps as the nftables form.
 */
export function iptablesText(parts: {
  user: string;
  openings: Opening[];
  header: string[];
  family: 4 | 6;
}): string {
  const tool = parts.family === 4 ? 'iptables' : 'ip6tables';
  const accepts = parts.openings
    .filter((opening) => rangeFamily(opening.range) === parts.family)
    .flatMap((opening) => [`# ${opening.comment}`, `-A MOAT_EGRESS ${matchOf(opening)} -j RETURN`]);

  const jump = `OUTPUT -m owner --uid-owner ${parts.user} -j MOAT_EGRESS`;
  return [
    ...parts.header.map((line) => `# ${line}`),
    `# IPv${parts.family} only. Load with: ${tool}-restore --noflush < FILE (as root).`,
    '# The chain MOAT_EGRESS is emptied and refilled on every load; before loading again,',
    `# remove the jump once: ${tool} -D ${jump}`,
    '*filter',
    ':MOAT_EGRESS - [0:0]',
    '# Only sockets of the service user go through the chain.',
    `-I ${jump.replace('OUTPUT', 'OUTPUT 1')}`,
    "# Replies on connections already open: answers to Moat's clients, allowed connections.",
    '-A MOAT_EGRESS -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    ...accepts,
    '# Everything else, loopback included: dropped. The rule counts packets and bytes;',
    `# read them with: ${tool} -L MOAT_EGRESS -v -x -n`,
    '-A MOAT_EGRESS -j DROP',
    'COMMIT',
    '',
  ].join('\n');
}

/** Destination, protocol and ports; iptables writes a port range as `low:high`. */
function matchOf(opening: Opening): string {
  const ports = opening.ports.map((port) => port.replace('-', ':')).join(',');
  return `-d ${formatIpRange(opening.range)} -p ${opening.protocol} -m multiport --dports ${ports}`;
}
