import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Two network namespaces joined by a veth pair: "inside" stands for the Moat host, "outside"
 * for the rest of the network. Nothing in them can reach the machine's real network, so the
 * test's traffic stays in namespaces the test made.
 */
export interface NamespacePair {
  inside: string;
  outside: string;
  insideAddress: string;
  outsideAddress: string;
  /** Runs a command in a namespace and answers its standard output. */
  run(namespace: string, command: readonly string[]): string;
  /** Starts a long-running command in a namespace. */
  start(namespace: string, command: readonly string[]): ChildProcess;
  /** Stops what `start` started and deletes both namespaces (and with them the veth pair). */
  destroy(): void;
}

const INSIDE_ADDRESS = '10.213.0.1';
const OUTSIDE_ADDRESS = '10.213.0.2';

/**
 * Why namespaces cannot be used here, or undefined when they can. Callers skip with this
 * message, unless MOAT_REQUIRE_NETNS=1 (set by .ci/run) makes it a failure.
 */
export function findNetnsProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const [tool, flag] of [
    ['ip', '-V'],
    ['nft', '--version'],
  ] as const) {
    try {
      execFileSync(tool, [flag], { stdio: 'ignore' });
    } catch {
      return `needs the "${tool}" command (Debian packages iproute2 and nftables)`;
    }
  }

  const probe = `moat-check-${randomBytes(4).toString('hex')}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch {
    return 'this kernel or container does not allow network namespaces';
  }
  return undefined;
}

/** Creates the pair; on any failure, removes what it had made before throwing. */
export function createNamespacePair(): NamespacePair {
  const id = randomBytes(3).toString('hex');
  const inside = `moat-${id}-in`;
  const outside = `moat-${id}-out`;
  const children: ChildProcess[] = [];
  const destroy = (): void => {
    for (const child of children) child.kill('SIGKILL');
    for (const name of [inside, outside]) {
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
      } catch {
        // Already gone, or never made.
      }
    }
  };

  try {
    setUp({ id, inside, outside });
  } catch (error) {
    destroy();
    throw error;
  }
  return {
    inside,
    outside,
    insideAddress: INSIDE_ADDRESS,
    outsideAddress: OUTSIDE_ADDRESS,
    run: (namespace, command) =>
      execFileSync('ip', ['netns', 'exec', namespace, ...command], { encoding: 'utf8' }),
    start: (namespace, command) => {
      const child = spawn('ip', ['netns', 'exec', namespace, ...command], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      return child;
    },
    destroy,
  };
}

function setUp(names: { id: string; inside: string; outside: string }): void {
  const ip = (...args: string[]): void => {
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const insideLink = `mi${names.id}`;
  const outsideLink = `mo${names.id}`;

  ip('netns', 'add', names.inside);
  ip('netns', 'add', names.outside);
  ip(
    'link',
    'add',
    insideLink,
    'netns',
    names.inside,
    'type',
    'veth',
    'peer',
    'name',
    outsideLink,
    'netns',
    names.outside,
  );
  ip('-n', names.inside, 'addr', 'add', `${INSIDE_ADDRESS}/24`, 'dev', insideLink);
  ip('-n', names.outside, 'addr', 'add', `${OUTSIDE_ADDRESS}/24`, 'dev', outsideLink);
  for (const [namespace, link] of [
    [names.inside, insideLink],
    [names.outside, outsideLink],
  ] as const) {
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
    ip('-n', namespace, 'link', 'set', link, 'up');
  }
}

/** Collects a child's standard output, and waits for a line that matches. */
export function watchOutput(child: ChildProcess): {
  text: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpExecArray>;
} {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return {
    text: () => text,
    waitFor: async (pattern, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = pattern.exec(text);
        if (match !== null) return match;
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no output matching ${String(pattern)}; got: ${text.slice(0, 2000)}`);
    },
  };
}
