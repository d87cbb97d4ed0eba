import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Reads one line that must not be echoed or put on a command line: on a terminal it asks
 * with `prompt` and hides what is typed; otherwise it takes the first line of standard
 * input, for scripts (`printf '%s\n' "$PASSWORD" | moat users add NAME`).
 */
export async function readSecret(options: {
  prompt: string;
  isConfirmed: boolean;
}): Promise<string> {
  const secret = await readSecretLine(options.prompt);
  if (!process.stdin.isTTY || !options.isConfirmed) return secret;

  const again = await readSecretLine('Again: ');
  if (again !== secret) throw new Error('the two entries differ; nothing was changed');
  return secret;
}

async function readSecretLine(prompt: string): Promise<string> {
  const isTerminal = process.stdin.isTTY;
  if (isTerminal) process.stderr.write(prompt);

  const silent = new Writable({
    write: (_chunk, _encoding, done) => {
      done();
    },
  });
  const lines = createInterface({ input: process.stdin, output: silent, terminal: isTerminal });
  try {
    for await (const line of lines) return line;
    throw new Error('standard input ended before a password was given');
  } finally {
    lines.close();
    if (isTerminal) process.stderr.write('\n');
  }
}
