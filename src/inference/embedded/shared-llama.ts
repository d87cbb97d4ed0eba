import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';

interface SharedLlama {
  llama: Promise<Llama>;
  userCount: number;
}

let shared: SharedLlama | undefined;

/**
 * llama.cpp's own log lines can quote prompt text (tokenizer warnings, template errors), so
 * none of them is passed on. Loading failures still surface as thrown errors.
 */
function dropEngineLog(): void {
  return undefined;
}

function createLlama(): Promise<Llama> {
  return getLlama({
    gpu: false,
    // Only the prebuilt CPU binaries that npm installed: never fetch llama.cpp sources and
    // never compile at run time, whatever the environment says.
    build: 'never',
    skipDownload: true,
    usePrebuiltBinaries: true,
    progressLogs: false,
    logLevel: LlamaLogLevel.disabled,
    logger: dropEngineLog,
    // Explicit, so that NODE_LLAMA_CPP_DEBUG cannot route engine logs straight to standard output.
    debug: false,
    // No budget until an embedded backend sets one (see acquireSharedLlama).
    maxThreads: 0,
  });
}

/**
 * The process's one llama.cpp instance. Every embedded backend shares it; each call must be
 * matched by one `releaseSharedLlama` call.
 *
 * `threadBudget` caps the threads that all of the instance's engine contexts together may
 * use at once: llama.cpp's thread splitter hands each batch a share of it, and a batch that
 * finds none free waits. The instance keeps the smallest budget any user asked for, so that
 * no user's limit is exceeded by another's contexts.
 */
export async function acquireSharedLlama(threadBudget?: number): Promise<Llama> {
  if (shared === undefined) {
    const llama = createLlama();
    shared = { llama, userCount: 0 };
    llama.catch(() => {
      shared = undefined;
    });
  }
  shared.userCount++;

  const llama = await shared.llama;
  if (threadBudget !== undefined) {
    llama.maxThreads =
      llama.maxThreads === 0 ? threadBudget : Math.min(llama.maxThreads, threadBudget);
  }
  return llama;
}

/** Gives up one use; the instance is disposed when its last user lets go. */
export async function releaseSharedLlama(): Promise<void> {
  if (shared === undefined) return;
  shared.userCount--;
  if (shared.userCount > 0) return;

  const { llama } = shared;
  shared = undefined;
  await (await llama).dispose();
}
