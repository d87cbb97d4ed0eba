/** One turn, as sent to `/v1/chat/completions`. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * The conversation, held only in this object. Nothing here is written to any browser
 * storage: reloading the page or signing out forgets it, which is the point.
 */
export class Conversation {
  readonly #messages: ChatMessage[] = [];

  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }

  get isEmpty(): boolean {
    return this.#messages.length === 0;
  }

  add(message: ChatMessage): ChatMessage {
    this.#messages.push(message);
    return message;
  }

  /** Drops a trailing empty answer, as after a stop before the first token. */
  dropEmptyAnswer(): void {
    const last = this.#messages.at(-1);
    if (last?.role === 'assistant' && last.content === '') this.#messages.pop();
  }

  /** Drops a trailing question, as after policy refused to send it. */
  dropUnsentQuestion(): void {
    if (this.#messages.at(-1)?.role === 'user') this.#messages.pop();
  }

  clear(): void {
    this.#messages.length = 0;
  }
}
