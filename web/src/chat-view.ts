import { ApiError, type MoatApi } from './api-client.js';
import { readChatStream } from './chat-stream.js';
import { Conversation } from './conversation.js';
import { element, replaceChildren } from './dom.js';
import { createMessageView, type MessageView } from './message-view.js';
import { classNamesIn } from './redacted-classes.js';

export const NOT_STORED_TEXT =
  'Not stored. This conversation lives only in this page; reloading it forgets everything.';

export interface ChatView {
  root: HTMLElement;
  conversation: Conversation;
  /** Sets the line that says what happens to this conversation. */
  setStorageLine(...content: (Node | string)[]): void;
  /** Says, in the error line under the conversation, what went wrong. */
  showError(text: string): void;
  /** True while an answer is being written. */
  readonly isRunning: boolean;
  /** Stops any answer being written and forgets the conversation. */
  reset(): void;
}

export interface ChatViewOptions {
  api: MoatApi;
  picker: HTMLSelectElement;
  /** Buttons beside Send. */
  actions: readonly HTMLElement[];
  /** Called when an answer starts or ends, and when the conversation is cleared. */
  onChange: () => void;
}

interface ChatParts {
  api: MoatApi;
  onChange: () => void;
  picker: HTMLSelectElement;
  conversation: Conversation;
  list: HTMLElement;
  input: HTMLTextAreaElement;
  sendButton: HTMLButtonElement;
  errorLine: HTMLElement;
  /** Set while an answer streams; aborting it stops generation on the server. */
  running?: AbortController;
  /**
   * Classes already named under an earlier message. Every request carries the conversation
   * so far, so the server names a class again as long as its message is in the history.
   */
  reportedClasses: Set<string>;
}

/** The conversation, the composer, and the streaming of answers. */
export function createChatView(options: ChatViewOptions): ChatView {
  const parts = buildParts(options);
  const storageLine = element('p', {
    className: 'storage-line',
    text: NOT_STORED_TEXT,
    attributes: { 'aria-live': 'polite' },
  });
  const composer = buildComposer(parts, options.actions);
  const root = element('section', { className: 'chat', attributes: { 'aria-label': 'Chat' } }, [
    storageLine,
    parts.list,
    parts.errorLine,
    composer,
  ]);

  return {
    root,
    conversation: parts.conversation,
    setStorageLine: (...content) => {
      storageLine.replaceChildren(...content);
    },
    showError: (text) => {
      parts.errorLine.textContent = text;
    },
    get isRunning() {
      return parts.running !== undefined;
    },
    reset: () => {
      parts.running?.abort();
      parts.conversation.clear();
      parts.reportedClasses.clear();
      replaceChildren(parts.list);
      parts.errorLine.textContent = '';
      storageLine.textContent = NOT_STORED_TEXT;
      parts.onChange();
    },
  };
}

function buildParts({ api, picker, onChange }: ChatViewOptions): ChatParts {
  return {
    api,
    picker,
    onChange,
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
    reportedClasses: new Set(),
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
      // While an answer streams, Enter keeps the next message in the box; Stop or Escape
      // ends the answer.
      if (parts.running === undefined) form.requestSubmit();
    }
  });
  // Escape stops the answer wherever focus is, unless a dialog took the key first.
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) parts.running?.abort();
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
  let isBlocked = false;
  setRunning(parts, controller);
  try {
    await streamAnswer(parts, controller.signal, {
      onRedacted: (classes) => {
        const fresh = classes.filter((name) => !parts.reportedClasses.has(name));
        for (const name of fresh) parts.reportedClasses.add(name);
        if (fresh.length > 0) {
          question.setNote(`Redacted before the model saw it: ${fresh.join(', ')}`);
        }
      },
      onPiece: (piece) => {
        reply.content += piece;
        answer.setText(reply.content);
      },
    });
  } catch (thrown) {
    showFailure(parts, answer, thrown);
    isBlocked = thrown instanceof ApiError && thrown.code === 'content_blocked';
    if (isBlocked) question.setNote('Not sent, and not part of the conversation.');
  } finally {
    parts.conversation.dropEmptyAnswer();
    // A refused question stays on screen but leaves the history, or every later message
    // would carry it and be refused too.
    if (isBlocked) parts.conversation.dropUnsentQuestion();
    setRunning(parts, undefined);
    parts.input.focus();
  }
}

interface AnswerListeners {
  /** The classes policy masked or pseudonymized before the model saw the request. */
  onRedacted: (classes: readonly string[]) => void;
  onPiece: (piece: string) => void;
}

async function streamAnswer(
  parts: ChatParts,
  signal: AbortSignal,
  listeners: AnswerListeners,
): Promise<void> {
  const history = parts.conversation.messages.filter((message) => message.content !== '');
  const response = await parts.api.send('/v1/chat/completions', {
    method: 'POST',
    body: { model: parts.picker.value, messages: history, stream: true },
    signal,
  });
  const classes = redactedClasses(response);
  if (classes.length > 0) listeners.onRedacted(classes);
  for await (const piece of readChatStream(response)) listeners.onPiece(piece);
}

/** Moat names the classes, never the values, in one header. */
function redactedClasses(response: Response): string[] {
  return classNamesIn(response.headers.get('x-moat-redacted') ?? '');
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
  parts.onChange();
}
