import { ApiError, type MoatApi } from './api-client.js';
import type { ChatMessage } from './conversation.js';
import { formatDay, timeElement } from './dates.js';
import { button, createDialog } from './dialog.js';
import { element } from './dom.js';
import { chatRetention, saveChat, type ItemSummary, type RetentionLimits } from './memory-api.js';

const DAY_SECONDS = 86_400;

export interface SaveDialogOptions {
  api: MoatApi;
  /** Where the dialog is put while it is open. */
  host: HTMLElement;
  messages: readonly ChatMessage[];
  onSaved: (item: ItemSummary) => void;
}

/**
 * Asks Moat what retention a saved chat gets, shows it, lets the person keep the chat for
 * fewer days, and saves. The policy's maximum is offered as the upper bound; the server
 * enforces it whatever the page sends.
 */
export async function openSaveDialog(options: SaveDialogOptions): Promise<void> {
  const limits = await chatRetention(options.api);
  const maxDays = Math.max(1, Math.floor(limits.max_seconds / DAY_SECONDS));
  const defaultDays = Math.max(1, Math.floor(limits.default_seconds / DAY_SECONDS));

  const dialog = createDialog('Save this conversation', options.host);
  const days = element('input', {
    attributes: {
      id: 'retention-days',
      type: 'number',
      min: '1',
      max: String(maxDays),
      step: '1',
      inputmode: 'numeric',
      value: String(defaultDays),
    },
  });
  const deletedOn = element('p', {
    className: 'deleted-on',
    attributes: { 'aria-live': 'polite' },
  });
  const error = element('p', { className: 'error', attributes: { role: 'alert' } });
  const showDeletedOn = (): void => {
    const chosen = Number(days.value);
    const isValid = Number.isInteger(chosen) && chosen >= 1 && chosen <= maxDays;
    deletedOn.replaceChildren(
      isValid ? 'Deleted on ' : `Choose from 1 to ${maxDays} days.`,
      ...(isValid ? [timeElement(inDays(chosen)), '.'] : []),
    );
  };
  days.addEventListener('input', showDeletedOn);
  showDeletedOn();

  // The page checks the number itself, to say what is wrong in its own words.
  const form = element('form', { className: 'save-form', attributes: { novalidate: '' } }, [
    element('p', { text: retentionSentence(limits, defaultDays, maxDays) }),
    element('label', { className: 'field' }, [element('span', { text: 'Keep for (days)' }), days]),
    deletedOn,
    error,
  ]);
  const saveButton = element('button', {
    className: 'primary',
    text: 'Save',
    attributes: { type: 'submit' },
  });
  form.append(
    element('div', { className: 'dialog-actions' }, [
      saveButton,
      button('Cancel', () => {
        dialog.close();
      }),
    ]),
  );
  dialog.body.append(form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = Number(days.value);
    if (!Number.isInteger(chosen) || chosen < 1 || chosen > maxDays) {
      error.textContent = `Choose a whole number of days from 1 to ${maxDays}.`;
      days.focus();
      return;
    }
    saveButton.disabled = true;
    error.textContent = '';
    saveChat(options.api, { messages: options.messages, retentionSeconds: chosen * DAY_SECONDS })
      .then((item) => {
        dialog.close();
        options.onSaved(item);
      })
      .catch((thrown: unknown) => {
        const reason = thrown instanceof ApiError ? thrown.message : 'Moat did not answer.';
        error.textContent = `Saving failed. ${reason}`;
      })
      .finally(() => {
        saveButton.disabled = false;
      });
  });
  dialog.open(days);
}

function retentionSentence(limits: RetentionLimits, defaultDays: number, maxDays: number): string {
  const longest =
    limits.max_seconds === limits.default_seconds
      ? 'That is also the longest your organisation allows.'
      : `Your organisation allows at most ${plural(maxDays)}.`;
  return (
    `Moat keeps a saved chat encrypted for ${plural(defaultDays)} (until ` +
    `${formatDay(inDays(defaultDays))}), then destroys its key. You can keep it for less. ` +
    longest
  );
}

function plural(days: number): string {
  return days === 1 ? '1 day' : `${days} days`;
}

function inDays(days: number): Date {
  return new Date(Date.now() + days * DAY_SECONDS * 1000);
}
