import {
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from 'node-llama-cpp';

import type { EngineSettings } from './embedded-backend-options.js';

/** A loaded model with its chat context, ready to answer. */
export interface Engine {
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  /** Threads each of the model's contexts asks for, within the process's thread budget. */
  contextThreads: number;
}

/** Loads the model and creates its chat context; nothing is left open if either fails. */
export async function loadEngine(
  llama: Llama,
  settings: EngineSettings,
  contextThreads: number,
): Promise<Engine> {
  const model = await llama.loadModel({ modelPath: settings.modelPath });
  try {
    const context = await model.createContext({
      contextSize: settings.contextSize,
      sequences: settings.parallelSequences,
      threads: contextThreads,
    });
    const chatWrapper = resolveChatWrapper(model, { warningLogs: false });
    return { model, context, chatWrapper, contextThreads };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}
