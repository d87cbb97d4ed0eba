import {
  Resolver,
  getServers,
  lookup,
  promises as dnsPromises,
  resolve4,
  setServers,
} from 'node:dns';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { get as httpGet } from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EgressDenial } from './egress-denial.js';
import { installEgressGuard } from './egress-guard.js';
import { EgressPolicy } from './egress-policy.js';

/**
 * The guard on real sockets over loopback. The sentinel listener stands for every forbidden
 * destination: whatever trick a test plays, it must accept no connection.
 */
const guard = installEgressGuard();
const denials: EgressDenial[] = [];
let allowed: Server;
let sentinel: Server;
let allowedPort: number;
let sentinelPort: number;
let sentinelConnections = 0;

function rule(destination: string, ports: (number | string)[]) {
  return {
    destination,
    ports,
    justification: 'The test listener stands in for an approved upstream.',
    approvedBy: 'guard test',
    expires: '2099-12-31',
  };
}

async function listen(onConnection: () => void): Promise<Server> {
  const server = createServer((socket) => {
    onConnection();
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** How a raw TCP connect ends: `connected`, or the error code. */
function tryConnect(options: { host: string; port: number }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(options);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code ?? 'error');
    });
  });
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as { code?: string }).code;
}

beforeAll(async () => {
  allowed = await listen(() => undefined);
  sentinel = await listen(() => (sentinelConnections += 1));
  allowedPort = (allowed.address() as AddressInfo).port;
  sentinelPort = (sentinel.address() as AddressInfo).port;
  guard.setPolicy(basePolicy());
  guard.setDeniedListener((denial) => denials.push(denial));
});

afterAll(() => {
  allowed.close();
  sentinel.close();
});

/** The policy every test starts from; a test that changes it puts it back. */
function basePolicy(): EgressPolicy {
  return new EgressPolicy([rule('127.0.0.1', [allowedPort]), rule('localhost', [sentinelPort])]);
}

/** A UDP listener on loopback that counts the datagrams (DNS queries) it receives. */
async function listenUdp(): Promise<{ socket: UdpSocket; port: number; received: () => number }> {
  const socket = createSocket('udp4');
  let count = 0;
  socket.on('message', () => (count += 1));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { socket, port: socket.address().port, received: () => count };
}

/** How a callback query ends: the error code, or `answered`. */
function queryCode(resolver: Resolver, name: string): Promise<string> {
  return new Promise((resolve) => {
    resolver.resolve4(name, (error) => {
      resolve(error === null ? 'answered' : String(error.code));
    });
  });
}

beforeEach(() => {
  denials.length = 0;
});

describe('the egress guard on TCP', () => {
  it('lets an allowed address and port through, also spelled as IPv4-mapped IPv6', async () => {
    expect(await tryConnect({ host: '127.0.0.1', port: allowedPort })).toBe('connected');
    expect(await tryConnect({ host: '::ffff:127.0.0.1', port: allowedPort })).toBe('connected');
    expect(denials).toEqual([]);
  });

  it('refuses loopback on a port no rule names', async () => {
    expect(await tryConnect({ host: '127.0.0.1', port: sentinelPort })).toBe('egress_denied');
    expect(denials).toEqual([
      { kind: 'connect', destination: '127.0.0.1', port: sentinelPort, reason: 'no_rule' },
    ]);
  });

  it('refuses decimal, octal, hex and short spellings of the address without a lookup', async () => {
    for (const host of [
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.1',
      '0x7f.1',
      '017700000001',
    ]) {
      expect(await tryConnect({ host, port: sentinelPort }), host).toBe('egress_denied');
    }
    expect(denials.every((denial) => denial.reason === 'no_rule')).toBe(true);
  });

  it('refuses the unspecified and metadata addresses', async () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '::ffff:0.0.0.0',
      '169.254.169.254',
      '::ffff:169.254.169.254',
    ]) {
      expect(await tryConnect({ host, port: sentinelPort }), host).toBe('egress_denied');
    }
  });

  it('refuses a named host that resolves to a non-public address (rebinding)', async () => {
    expect(await tryConnect({ host: 'localhost', port: sentinelPort })).toBe('egress_denied');
    expect(denials[0]).toMatchObject({
      destination: 'localhost',
      reason: 'non_public_address',
      port: sentinelPort,
    });
  });

  it('refuses unix sockets and bad ports', async () => {
    const local = await new Promise<string>((resolve) => {
      connect('/tmp/moat-no-such.sock').once('error', (error: NodeJS.ErrnoException) => {
        resolve(error.code ?? '');
      });
    });
    expect(local).toBe('egress_denied');
    expect(await tryConnect({ host: '127.0.0.1', port: 0 })).toBe('egress_denied');
  });

  it('covers TLS connects', async () => {
    const code = await new Promise<string>((resolve) => {
      tlsConnect({ host: '127.0.0.1', port: sentinelPort }).once(
        'error',
        (error: NodeJS.ErrnoException) => {
          resolve(error.code ?? '');
        },
      );
    });
    expect(code).toBe('egress_denied');
  });
});

describe('the egress guard under HTTP clients', () => {
  it('covers node:http, with URL userinfo and fragment tricks', async () => {
    const tricks = [
      `http://127.0.0.1:${allowedPort}@127.0.0.1:${sentinelPort}/`,
      `http://127.0.0.1:${sentinelPort}#@127.0.0.1:${allowedPort}/`,
      `http://[::ffff:7f00:1]:${sentinelPort}/`,
      `http://0x7f.0.0.1:${sentinelPort}/`,
    ];
    for (const url of tricks) {
      const code = await new Promise<string>((resolve) => {
        httpGet(url, (response) => {
          response.resume();
          resolve('answered');
        }).once('error', (error: NodeJS.ErrnoException) => {
          resolve(error.code ?? '');
        });
      });
      expect(code, url).toBe('egress_denied');
    }
  });

  it('covers fetch and undici, also with a caller-supplied lookup', async () => {
    const allowedAnswer = await fetch(`http://127.0.0.1:${allowedPort}/`);
    expect(await allowedAnswer.text()).toBe('ok');

    const refused = await fetch(`http://127.0.0.1:${sentinelPort}/`).catch(causeCode);
    expect(refused).toBe('egress_denied');
    const rebinding = await fetch(`http://localhost:${sentinelPort}/`).catch(causeCode);
    expect(rebinding).toBe('egress_denied');

    const liar = new Agent({
      connect: {
        lookup: (_name, _options, callback) => {
          callback(null, '127.0.0.1', 4);
        },
      },
    });
    const viaLiar = await undiciRequest(`http://localhost:${sentinelPort}/`, {
      dispatcher: liar,
    }).catch(causeCode);
    expect(viaLiar).toBe('egress_denied');
    await liar.close();
  });
});

describe('the egress guard on DNS and UDP', () => {
  it('refuses lookups and queries of names no rule names', async () => {
    const viaCallback = await new Promise<string>((resolve) => {
      lookup('example.com', (error) => {
        resolve(error === null ? 'resolved' : String(error.code));
      });
    });
    expect(viaCallback).toBe('egress_denied');
    await expect(dnsPromises.lookup('example.com')).rejects.toMatchObject({
      code: 'egress_denied',
    });
    await expect(dnsPromises.resolve4('example.com')).rejects.toMatchObject({
      code: 'egress_denied',
    });
    await expect(new dnsPromises.Resolver().resolveTxt('example.com')).rejects.toMatchObject({
      code: 'egress_denied',
    });
    await expect(dnsPromises.reverse('8.8.8.8')).rejects.toMatchObject({ code: 'egress_denied' });

    const viaResolver = await new Promise<string>((resolve) => {
      new Resolver().resolve4('example.com', (error) => {
        resolve(String(error?.code));
      });
    });
    expect(viaResolver).toBe('egress_denied');
    const viaModule = await new Promise<string>((resolve) => {
      resolve4('example.com', (error) => {
        resolve(String(error?.code));
      });
    });
    expect(viaModule).toBe('egress_denied');
    expect(denials.every((denial) => denial.kind === 'lookup')).toBe(true);
  });

  it('answers lookups of named hosts and of literals', async () => {
    await expect(dnsPromises.lookup('localhost', { family: 4 })).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(dnsPromises.lookup('10.1.2.3')).resolves.toMatchObject({ address: '10.1.2.3' });
  });

  it('refuses every UDP datagram', async () => {
    const socket = createSocket('udp4');
    const code = await new Promise<string>((resolve) => {
      socket.send('x', sentinelPort, '127.0.0.1', (error) => {
        resolve(error === null ? 'sent' : String((error as { code?: unknown }).code));
      });
    });
    socket.close();
    expect(code).toBe('egress_denied');
    expect(denials).toEqual([{ kind: 'udp', destination: '127.0.0.1', reason: 'udp' }]);
  });
});

describe('the egress guard on DNS servers', () => {
  let udpSentinel: Awaited<ReturnType<typeof listenUdp>>;
  let allowedDns: Awaited<ReturnType<typeof listenUdp>>;

  beforeAll(async () => {
    udpSentinel = await listenUdp();
    allowedDns = await listenUdp();
  });

  afterAll(() => {
    udpSentinel.socket.close();
    allowedDns.socket.close();
    guard.setPolicy(basePolicy());
  });

  it('refuses every setServers naming a server no rule allows', () => {
    const server = `127.0.0.1:${udpSentinel.port}`;
    const systemServers = getServers();
    const attempts = [
      () => {
        new Resolver().setServers([server]);
      },
      () => {
        setServers([server]);
      },
      () => {
        new dnsPromises.Resolver().setServers([server]);
      },
      () => {
        dnsPromises.setServers([server]);
      },
      () => {
        new Resolver().setServers(['[::1]:53']);
      },
      () => {
        new Resolver().setServers(['169.254.169.254']);
      },
    ];

    for (const attempt of attempts) {
      expect(attempt).toThrow(expect.objectContaining({ code: 'egress_denied' }));
    }
    expect(getServers()).toEqual(systemServers);
    expect(dnsPromises.getServers()).toEqual(systemServers);
    expect(denials.slice(0, 2)).toEqual([
      { kind: 'lookup', destination: '127.0.0.1', port: udpSentinel.port, reason: 'no_rule' },
      { kind: 'lookup', destination: '127.0.0.1', port: udpSentinel.port, reason: 'no_rule' },
    ]);
    expect(denials.slice(4)).toEqual([
      { kind: 'lookup', destination: '::1', port: 53, reason: 'no_rule' },
      { kind: 'lookup', destination: '169.254.169.254', port: 53, reason: 'no_rule' },
    ]);
  });

  it('sends no query for an IP literal: a resolve4 asks a server, unlike a lookup', async () => {
    expect(await queryCode(new Resolver(), '1.2.3.4')).toBe('egress_denied');
    await expect(dnsPromises.resolve4('1.2.3.4')).rejects.toMatchObject({
      code: 'egress_denied',
    });
    expect(denials.map((denial) => [denial.destination, denial.reason])).toEqual([
      ['1.2.3.4', 'no_rule'],
      ['1.2.3.4', 'no_rule'],
    ]);
  });

  it('queries a server a rule allows, and stops as soon as the rule is gone', async () => {
    const server = `127.0.0.1:${allowedDns.port}`;
    guard.setPolicy(
      new EgressPolicy([rule('localhost', [53]), rule('127.0.0.1', [allowedDns.port])]),
    );
    const resolver = new Resolver({ timeout: 200, tries: 1 });
    const promiseResolver = new dnsPromises.Resolver({ timeout: 200, tries: 1 });
    resolver.setServers([server]);
    promiseResolver.setServers([server]);

    expect(await queryCode(resolver, 'localhost')).toBe('ETIMEOUT');
    await expect(promiseResolver.resolve4('localhost')).rejects.toMatchObject({
      code: 'ETIMEOUT',
    });
    expect(allowedDns.received()).toBe(2);

    guard.setPolicy(new EgressPolicy([rule('localhost', [53])]));
    expect(await queryCode(resolver, 'localhost')).toBe('egress_denied');
    await expect(promiseResolver.resolveTxt('localhost')).rejects.toMatchObject({
      code: 'egress_denied',
    });
    expect(allowedDns.received()).toBe(2);
    expect(denials).toEqual([
      { kind: 'lookup', destination: '127.0.0.1', port: allowedDns.port, reason: 'no_rule' },
      { kind: 'lookup', destination: '127.0.0.1', port: allowedDns.port, reason: 'no_rule' },
    ]);
  });

  it('let no query reach the UDP sentinel', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(udpSentinel.received()).toBe(0);
  });
});

describe('the egress guard on internal bindings', () => {
  it('refuses the socket bindings that process.binding still hands out', () => {
    const binding = (process as unknown as { binding: (name: string) => unknown }).binding;
    expect(() => binding('tcp_wrap')).toThrow(expect.objectContaining({ code: 'egress_denied' }));
    expect(() => binding('cares_wrap')).toThrow(expect.objectContaining({ code: 'egress_denied' }));
    expect(denials.map((denial) => denial.destination)).toEqual([
      'binding:tcp_wrap',
      'binding:cares_wrap',
    ]);
  });
});

describe('the sentinel', () => {
  it('accepted no connection through any trick', () => {
    expect(sentinelConnections).toBe(0);
  });
});
