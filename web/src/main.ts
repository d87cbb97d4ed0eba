import './styles.css';
import { ApiError, MoatApi } from './api-client.js';
import { createChatView, type ChatView } from './chat-view.js';
import { fromUnixSeconds, timeElement } from './dates.js';
import { element, replaceChildren } from './dom.js';
import type { ItemSummary } from './memory-api.js';
import { createModelPicker } from './model-picker.js';
import { createMyDataView, type MyDataView } from './my-data-view.js';
import { openSaveDialog } from './save-dialog.js';
import { loadSession, signOut, type SessionState } from './session.js';
import { createSignInView } from './sign-in-view.js';

type SignedIn = SessionState & { signedIn: true };

const app = document.getElementById('app');
const api = new MoatApi();

/** Shows the sign-in form or the chat, whichever the session calls for. */
async function start(root: HTMLElement): Promise<void> {
  try {
    const state = await loadSession(api);
    if (state.signedIn) await showChat(root, state);
    else showSignIn(root, state.proxyIdentity);
  } catch (thrown) {
    showFatal(root, thrown);
  }
}

function showSignIn(root: HTMLElement, proxyIdentity: boolean): void {
  const view = createSignInView({
    api,
    proxyIdentity,
    onSignedIn: (state) =>
      void showChat(root, state).catch((thrown: unknown) => {
        showFatal(root, thrown);
      }),
  });
  replaceChildren(root, view);
  view.querySelector('input')?.focus();
}

/** The saved copies of the conversation on screen, oldest first; one per press of Save. */
interface SavedCopy {
  items: ItemSummary[];
}

async function showChat(root: HTMLElement, state: SignedIn): Promise<void> {
  const picker = await createModelPicker(api);
  const newChat = element('button', { text: 'New chat', attributes: { type: 'button' } });
  const saveButton = element('button', { text: 'Save…', attributes: { type: 'button' } });
  const saved: SavedCopy = { items: [] };
  const chat = createChatView({
    api,
    picker,
    actions: [saveButton, newChat],
    onChange: () => {
      saveButton.disabled = chat.isRunning || chat.conversation.isEmpty;
    },
  });
  saveButton.disabled = true;
  newChat.addEventListener('click', () => {
    saved.items = [];
    chat.reset();
  });
  saveButton.addEventListener('click', () => {
    saveConversation(root, chat, saved);
  });

  const screen = element('div', { className: 'screen' }, [chat.root]);
  const header = element('header', { className: 'topbar' }, [
    element('h1', { className: 'brand', text: 'Moat' }),
    picker,
    viewToggle({ screen, picker, chat, myData: myDataFor(chat, saved) }),
    element('span', { className: 'user', text: state.user.name }),
    signOutButton(root, chat),
  ]);
  replaceChildren(root, header, screen);
  root.querySelector<HTMLTextAreaElement>('#prompt')?.focus();
}

function saveConversation(root: HTMLElement, chat: ChatView, saved: SavedCopy): void {
  openSaveDialog({
    api,
    host: root,
    messages: chat.conversation.messages.filter((message) => message.content !== ''),
    onSaved: (item) => {
      saved.items.push(item);
      chat.setStorageLine(...savedLine(item));
    },
  }).catch((thrown: unknown) => {
    chat.showError(failureWords('Saving is not possible now.', thrown));
  });
}

/**
 * My data; deleting a saved copy of the conversation on screen changes what its line says:
 * to the newest copy left, or to unsaved once none is.
 */
function myDataFor(chat: ChatView, saved: SavedCopy): MyDataView {
  return createMyDataView({
    api,
    onDeleted: (deleted) => {
      if (saved.items.length === 0) return;
      const left =
        deleted === 'everything' ? [] : saved.items.filter((item) => !deleted.includes(item.id));
      if (left.length === saved.items.length) return;
      saved.items = left;
      const newest = left.at(-1);
      if (newest === undefined) {
        chat.setStorageLine('Not stored. The saved copy of this conversation was deleted.');
      } else {
        chat.setStorageLine(...savedLine(newest));
      }
    },
  });
}

/** One button switches between the chat and My data; the chat stays as it was. */
function viewToggle(views: {
  screen: HTMLElement;
  picker: HTMLSelectElement;
  chat: ChatView;
  myData: MyDataView;
}): HTMLButtonElement {
  const toggle = element('button', {
    className: 'view-toggle',
    text: 'My data',
    attributes: { type: 'button', 'aria-pressed': 'false' },
  });
  toggle.addEventListener('click', () => {
    const isMyData = toggle.getAttribute('aria-pressed') !== 'true';
    toggle.setAttribute('aria-pressed', String(isMyData));
    views.picker.hidden = isMyData;
    replaceChildren(views.screen, isMyData ? views.myData.root : views.chat.root);
    if (isMyData) void views.myData.refresh();
    else views.screen.querySelector<HTMLTextAreaElement>('#prompt')?.focus();
  });
  return toggle;
}

function signOutButton(root: HTMLElement, chat: ChatView): HTMLButtonElement {
  const created = element('button', { text: 'Sign out', attributes: { type: 'button' } });
  created.addEventListener('click', () => {
    chat.reset();
    void signOut(api).finally(() => start(root));
  });
  return created;
}

/** What the storage line says once the conversation is saved; true for every later turn too. */
function savedLine(item: ItemSummary): (Node | string)[] {
  return [
    'Saved — deleted on ',
    timeElement(fromUnixSeconds(item.expires_at)),
    '. Messages after this are not stored unless you save again.',
  ];
}

function failureWords(what: string, thrown: unknown): string {
  return `${what} ${thrown instanceof ApiError ? thrown.message : 'Moat did not answer.'}`;
}

function showFatal(root: HTMLElement, thrown: unknown): void {
  const text = thrown instanceof ApiError ? thrown.message : 'The page could not start.';
  replaceChildren(root, element('p', { className: 'error', text, attributes: { role: 'alert' } }));
}

if (app !== null) void start(app);
