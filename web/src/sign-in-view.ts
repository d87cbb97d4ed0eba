import { ApiError, type MoatApi } from './api-client.js';
import { element } from './dom.js';
import { signIn, type SessionState } from './session.js';

export interface SignInViewOptions {
  api: MoatApi;
  proxyIdentity: boolean;
  onSignedIn: (state: SessionState & { signedIn: true }) => void;
}

/** The sign-in form; with a trusted proxy in front, one button instead of a password. */
export function createSignInView(options: SignInViewOptions): HTMLElement {
  const error = element('p', { className: 'error', attributes: { role: 'alert' } });
  const name = element('input', {
    attributes: { id: 'name', name: 'username', autocomplete: 'username', required: '' },
  });
  const password = element('input', {
    attributes: {
      id: 'password',
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: '',
    },
  });
  const fields = options.proxyIdentity
    ? [element('p', { text: 'Your organisation signs you in.' })]
    : [labelled('Name', name), labelled('Password', password)];
  const submit = element('button', { text: 'Sign in', attributes: { type: 'submit' } });
  const form = element('form', { className: 'sign-in', attributes: { 'aria-label': 'Sign in' } }, [
    element('h1', { text: 'Moat' }),
    element('p', { className: 'muted', text: 'Private chat on your organisation’s own models.' }),
    ...fields,
    submit,
    error,
  ]);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    const credentials = options.proxyIdentity
      ? undefined
      : { name: name.value, password: password.value };
    signIn(options.api, credentials)
      .then((state) => {
        password.value = '';
        if (state.signedIn) options.onSignedIn(state);
      })
      .catch((thrown: unknown) => {
        error.textContent = thrown instanceof ApiError ? thrown.message : 'Sign-in failed.';
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}

function labelled(text: string, input: HTMLInputElement): HTMLElement {
  return element('label', { className: 'field' }, [element('span', { text }), input]);
}
