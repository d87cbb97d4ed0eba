import './styles.css';
import { ApiError, MoatApi } from './api-client.js';
import { createChatView } from './chat-view.js';
import { element, replaceChildren } from './dom.js';
import { createModelPicker } from './model-picker.js';
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

async function showChat(root: HTMLElement, state: SignedIn): Promise<void> {
  const picker = await createModelPicker(api);
  const newChat = element('button', { text: 'New chat', attributes: { type: 'button' } });
  const chat = createChatView(api, picker, [newChat]);
  newChat.addEventListener('click', () => {
    chat.reset();
  });

  const signOutButton = element('button', { text: 'Sign out', attributes: { type: 'button' } });
  signOutButton.addEventListener('click', () => {
    chat.reset();
    void signOut(api).finally(() => start(root));
  });

  const header = element('header', { className: 'topbar' }, [
    element('h1', { className: 'brand', text: 'Moat' }),
    picker,
    element('span', { className: 'user', text: state.user.name }),
    signOutButton,
  ]);
  replaceChildren(root, header, chat.root);
  root.querySelector<HTMLTextAreaElement>('#prompt')?.focus();
}

function showFatal(root: HTMLElement, thrown: unknown): void {
  const text = thrown instanceof ApiError ? thrown.message : 'The page could not start.';
  replaceChildren(root, element('p', { className: 'error', text, attributes: { role: 'alert' } }));
}

if (app !== null) void start(app);
