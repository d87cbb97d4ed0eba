import type { IpRange } from './ip-address.js';

/** One accept line's worth: a destination range and the ports, with where it came from. */
export interface Opening {
  range: IpRange;
  protocol: 'tcp' | 'udp';
  ports: string[];
  comment: string;
}
