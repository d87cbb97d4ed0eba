import { ApiError, type MoatApi } from './api-client.js';
import { readChatStream } from './chat-stream.js';
import { Conversation } from './conversation.js';
import { element, replaceChildren } from './dom.js';
import { createMessageView, type MessageView } from './message-view.js';

export const NOT_STORED_TEXT =
  'Not stored. This conversation lives only in this page; reloading it forgets everything.';

export interface ChatView {
  root: HTMLElement;
  conversation: Conversation;
  /** Sets the line that says what happens to this conversation. */
  setStorageLine(text: string): void;
  /** Stops any answer being written and forgets the conversation. */
  reset(): void;
}

interface ChatParts {
  api: MoatApi;
  picker: HTMLSelectElement;
  conversation: Conversation;
  list: HTMLElement;
  input: HTMLTextAreaElement;
  sendButton: HTMLButtonElement;
  errorLine: HTMLElement;
  /** Set while an answer streams; aborting it stops generation on the server. */
  running?: AbortController;
}

/** The conversation, the composer, and the streaming of answers. */
export function createChatView(
  api: MoatApi,
  picker: HTMLSelectElement,
  actions: readonly HTMLElement[],
): ChatView {
  const parts = buildParts(api, picker);
  const storageLine = element('p', { className: 'storage-line', text: NOT_STORED_TEXT });
  const composer = buildComposer(parts, actions);
  const root = element('section', { className: 'chat', attributes: { 'aria-label': 'Chat' } }, [
    storageLine,
    parts.list,
    parts.errorLine,
    composer,
  ]);

  return {
    root,
    conversation: parts.conversation,
    setStorageLine: (text) => {
      storageLine.textContent = text;
    },
    reset: () => {
      parts.running?.abort();
      parts.conversation.clear();
      replaceChildren(parts.list);
      parts.errorLine.textContent = '';
      storageLine.textContent = NOT_STORED_TEXT;
    },
  };
}

function buildParts(api: MoatApi, picker: HTMLSelectElement): ChatParts {
  return {
    api,
    picker,
    conversation: new Conversation(),
    list: element('div', {
      className: 'messages',
      attributes: { role: 'log', 'aria-label': 'Conversation' },
    }),
    input: element('textarea', {
      attributes: {
        id: 'prompt',
        rows: '3',
        'aria-label': 'Message',
        placeholder: 'Message (Enter sends, Shift+Enter adds a line, Esc stops)',
      },
    }),
    sendButton: element('button', {
      className: 'primary send',
      text: 'Send',
      attributes: { type: 'submit' },
    }),
    errorLine: element('p', { className: 'error', attributes: { role: 'alert' } }),
  };
}

function buildComposer(parts: ChatParts, actions: readonly HTMLElement[]): HTMLFormElement {
  const form = element('form', { className: 'composer' }, [
    parts.input,
    element('div', { className: 'composer-actions' }, [parts.sendButton, ...actions]),
  ]);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (parts.running !== undefined) parts.running.abort();
    else void send(parts);
  });
  parts.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') parts.running?.abort();
  });
  return form;
}

async function send(parts: ChatParts): Promise<void> {
  const text = parts.input.value.trim();
  if (text === '') return;
  parts.input.value = '';
  parts.errorLine.textContent = '';

  parts.conversation.add({ role: 'user', content: text });
  const question = createMessageView('user');
  question.setText(text);
  const answer = createMessageView('assistant');
  parts.list.append(question.root, answer.root);
  const reply = parts.conversation.add({ role: 'assistant', content: '' });

  const controller = new AbortController();
  setRunning(parts, controller);
  try {
    await streamAnswer(parts, controller.signal, (piece) => {
      reply.content += piece;
      answer.setText(reply.content);
      answer.root.scrollIntoView({ block: 'end' });
    });
  } catch (thrown) {
    showFailure(parts, answer, thrown);
  } finally {
    setRunning(parts, undefined);
    parts.conversation.dropEmptyAnswer();
    parts.input.focus();
  }
}

async function streamAnswer(
  parts: ChatParts,
  signal: AbortSignal,
  onPiece: (piece: string) => void,
): Promise<void> {
  const history = parts.conversation.messages.filter((message) => message.content !== '');
  const response = await parts.api.send('/v1/chat/completions', {
    method: 'POST',
    body: { model: parts.picker.value, messages: history, stream: true },
    signal,
  });
  for await (const piece of readChatStream(response)) onPiece(piece);
}

function showFailure(parts: ChatParts, answer: MessageView, thrown: unknown): void {
  if (thrown instanceof DOMException && thrown.name === 'AbortError') {
    answer.setNote('Stopped.');
    return;
  }
  answer.setNote('No complete answer.');
  parts.errorLine.textContent =
    thrown instanceof ApiError ? thrown.message : 'Something went wrong while answering.';
}

/** One button both sends and stops, so nothing moves when an answer starts or ends. */
function setRunning(parts: ChatParts, controller: AbortController | undefined): void {
  if (controller === undefined) delete parts.running;
  else parts.running = controller;
  const isRunning = controller !== undefined;
  parts.sendButton.textContent = isRunning ? 'Stop' : 'Send';
  parts.sendButton.classList.toggle('stop', isRunning);
  parts.sendButton.setAttribute('aria-label', isRunning ? 'Stop the answer' : 'Send');
}
