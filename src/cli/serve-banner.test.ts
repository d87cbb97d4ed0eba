import { describe, expect, it } from 'vitest';
import { formatServeBanner } from './serve-banner.js';

const token = `moat_abcdefghijkl_${'A'.repeat(43)}`;

describe('formatServeBanner', () => {
  it('shows the address, the first admin key and a curl that uses both', () => {
    const banner = formatServeBanner({
      url: 'http://127.0.0.1:8787/',
      adminToken: token,
      isDemoModel: true,
      modelNames: ['moat-demo'],
    });

    expect(banner).toContain('listening on http://127.0.0.1:8787\n');
    expect(banner).toContain('curl http://127.0.0.1:8787/v1/chat/completions');
    expect(banner).toContain(`-H "Authorization: Bearer ${token}"`);
    expect(banner).toContain(`"model":"moat-demo"`);
    expect(banner.split(token)).toHaveLength(3);
  });

  it('warns that the demo model is word salad and shows how to use a real model', () => {
    const banner = formatServeBanner({
      url: 'http://h:1',
      isDemoModel: true,
      modelNames: ['moat-demo'],
    });

    expect(banner).toMatch(/word salad/);
    for (const hint of ['file: /path/to/model.gguf', 'Ollama', 'llama.cpp server', 'vLLM']) {
      expect(banner).toContain(hint);
    }
  });

  it('leaves out the warning for real models and refers to a key when none was created', () => {
    const banner = formatServeBanner({
      url: 'https://h:1',
      isDemoModel: false,
      modelNames: ['llama3'],
    });

    expect(banner).not.toMatch(/word salad/);
    expect(banner).toContain('Bearer $MOAT_API_KEY');
    expect(banner).toContain('moat keys create --name NAME --scopes chat');
    expect(banner).not.toContain('moat_');
  });
});
