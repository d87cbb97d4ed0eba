export interface ServeBannerInput {
  /** Where Moat listens, as clients should call it. */
  url: string;
  /** The admin token made on first start; absent on every later start. */
  adminToken?: string;
  /** True when no model is configured and the generated demo model is served. */
  isDemoModel: boolean;
  modelNames: readonly string[];
  /** A master key file Moat created on this start. */
  generatedMasterKeyFile?: string;
}

/** Used in the example when the catalog is somehow empty; it keeps the command well-formed. */
const FALLBACK_MODEL_NAME = 'demo';

/**
 * The text `moat serve` prints once at start-up: where to call, the first admin key, a
 * request that works as pasted, and, for the demo model, what it is and how to replace it.
 */
export function formatServeBanner(input: ServeBannerInput): string {
  const baseUrl = input.url.replace(/\/+$/, '');
  const sections = [
    `Moat is listening on ${baseUrl}`,
    `Models: ${input.modelNames.length > 0 ? input.modelNames.join(', ') : '(none)'}`,
    formatKeySection(input.adminToken),
    formatCurlExample(baseUrl, input.modelNames[0] ?? FALLBACK_MODEL_NAME, input.adminToken),
  ];
  if (input.isDemoModel) sections.push(DEMO_MODEL_NOTICE);
  if (input.generatedMasterKeyFile !== undefined) {
    sections.unshift(masterKeyNotice(input.generatedMasterKeyFile));
  }

  return `${sections.join('\n\n')}\n`;
}

function formatKeySection(adminToken: string | undefined): string {
  if (adminToken === undefined) {
    return [
      'Requests need an API key. Create one with:',
      '  moat keys create --name NAME --scopes chat',
    ].join('\n');
  }

  return [
    'An admin API key was created on this first start. It is shown only this once;',
    'store it now (it can make and revoke other keys, and read /metrics):',
    `  ${adminToken}`,
  ].join('\n');
}

function formatCurlExample(
  baseUrl: string,
  modelName: string,
  adminToken: string | undefined,
): string {
  // Model names are limited to characters that are safe inside single quotes.
  const body = JSON.stringify({ model: modelName, messages: [{ role: 'user', content: 'Hello' }] });
  const keyExpression = adminToken ?? '$MOAT_API_KEY';

  return [
    'Try it:',
    `  curl ${baseUrl}/v1/chat/completions \\`,
    `    -H "Authorization: Bearer ${keyExpression}" \\`,
    '    -H "Content-Type: application/json" \\',
    `    -d '${body}'`,
  ].join('\n');
}

const DEMO_MODEL_NOTICE = `WARNING: no model is configured, so Moat serves its generated demo model.
Its weights are random: its answers are word salad. It is there to show the whole path works.

To serve a real model, list it in moat.yaml (then restart Moat):

  models:
    - name: my-model              # a GGUF file, run in-process by llama.cpp
      backend: embedded
      file: /path/to/model.gguf

  models:
    - name: llama3                # an OpenAI-compatible server on an allowed host
      backend: upstream
      baseUrl: http://127.0.0.1:11434/v1
      # Ollama: http://127.0.0.1:11434/v1
      # llama.cpp server: http://127.0.0.1:8080/v1
      # vLLM: http://127.0.0.1:8000/v1
  egress:
    allow:                        # Moat connects nowhere, loopback included, without a rule
      - destination: 127.0.0.1
        ports: [11434]
        justification: Ollama runs the team's models on this machine.
        approvedBy: <who approved it>
        expires: <a date, YYYY-MM-DD>`;

/** Loud on purpose: a key kept beside the data it protects guards nothing against a copy. */
function masterKeyNotice(filePath: string): string {
  return [
    `!!! MASTER KEY CREATED: ${filePath}`,
    '!!! It unlocks all saved memory. It sits beside the store, so a copy of the data folder',
    '!!! carries both. Move it off this disk (MOAT_MASTER_KEY or keys.masterKeyFile) and',
    '!!! keep it out of backups; see docs/memory.md.',
  ].join('\n');
}
