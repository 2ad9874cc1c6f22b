/**
 * The SIP account as the settings form edits it and the main process stores it, and the rules a
 * saved account must meet. The same `checkAccountForm` runs in the renderer (instant feedback beside
 * each field) and in main (which trusts nothing the renderer sends).
 *
 * The password is never part of these objects on disk: it travels once, in `AccountForm.password`,
 * from the form to main, which hands it to the secret store (OS keychain) and keeps only `hasPassword`.
 */
import { parseSipAddress, parseSipServer } from './sip-address';
import { hasControlCharacters } from './text-rules';
import { checkXcapRoot } from './xcap-root';

/** The account's settings, as stored in settings.json (no password). */
export interface AccountSettings {
  /** Shown to watchers where the server passes it on (From display name). */
  readonly displayName: string;
  /** Our address-of-record, normalised: `sip:alice@example.com`. */
  readonly aor: string;
  /** Digest user name; empty means the AOR's user part. */
  readonly authUser: string;
  /**
   * Registrar / presence server, with its transport: `sip:pbx.example.com:5061;transport=tls`. Empty: the
   * AOR's domain, its server found through DNS (`accountServerUri`).
   */
  readonly server: string;
  /** Outbound proxy with its transport, or empty for none. */
  readonly outboundProxy: string;
  /** WebSocket resource path for ws/wss (RFC 7118), e.g. `/ws`; empty means `/`. */
  readonly wsPath: string;
  /**
   * For TLS and WSS: a PEM file of extra certificate authorities to trust (a company CA), as an absolute
   * path on this computer. Absent: the system's CAs only. The server certificate is always verified.
   */
  readonly tlsCaFile?: string;
  /**
   * "XCAP root (who may watch you)": where the presence server keeps the rules of who may see the user's presence
   * (RFC 4825 §6.1, RFC 5025), e.g. `http://pbx.example.com:5060/xcap-root`. Absent: pending watchers are shown, but
   * cannot be answered from Presently.
   */
  readonly xcapRoot?: string;
  /**
   * "Presence list URI": a resource list (RFC 4662) the server expands to the user's buddies, e.g.
   * `sip:alice-buddies@example.com`; one SUBSCRIBE to it replaces one per buddy. Absent: one per buddy.
   */
  readonly presenceListUri?: string;
  /** REGISTER before publishing and keep the registration refreshed. */
  readonly register: boolean;
  /** PUBLISH our presence (switch off for servers that only take presence from elsewhere). */
  readonly publish: boolean;
  /** Requested lifetimes in seconds (the server may grant shorter ones). */
  readonly registerExpires: number;
  readonly publishExpires: number;
  readonly subscribeExpires: number;
}

/** What the settings form sends when saving: the settings and, optionally, a new password. */
export interface AccountForm extends AccountSettings {
  /** A new password; absent keeps the stored one, an empty string removes it. */
  readonly password?: string;
}

/** The account as the renderer sees it: settings plus whether a password is stored — never the password. */
export interface AccountView extends AccountSettings {
  readonly hasPassword: boolean;
}

/** Every field of the account, each of which a check may find wrong. */
export type AccountFormField = keyof AccountForm;

/** Fields the settings form shows an error beside: every one. */
export type AccountField = AccountFormField;

/** Allowed lifetimes in seconds: below a minute servers answer 423, above a day a lost client lingers. */
export const EXPIRES_RANGE = { min: 60, max: 86_400 } as const;

/** Longest display name, user name and password we accept. */
export const MAX_DISPLAY_NAME_LENGTH = 128;
export const MAX_AUTH_USER_LENGTH = 128;
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_WS_PATH_LENGTH = 256;
export const MAX_FILE_PATH_LENGTH = 1024;

/** What a new account starts with in the form. */
export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  displayName: '',
  aor: '',
  authUser: '',
  server: '',
  outboundProxy: '',
  wsPath: '',
  register: true,
  publish: true,
  registerExpires: 600,
  publishExpires: 600,
  subscribeExpires: 600,
};

export type AccountCheck =
  { readonly ok: true; readonly value: AccountForm } | { readonly ok: false; readonly errors: Partial<Record<AccountFormField, string>> };

/**
 * Checks every field and returns the normalised form (AOR and server URIs rewritten in their canonical
 * form, names trimmed), or one sentence per field that is wrong.
 */
export function checkAccountForm(form: AccountForm): AccountCheck {
  const errors: Partial<Record<AccountFormField, string>> = {};

  const displayName = form.displayName.trim();
  if (displayName.length > MAX_DISPLAY_NAME_LENGTH) errors.displayName = `At most ${MAX_DISPLAY_NAME_LENGTH} characters.`;
  if (hasControlCharacters(displayName) || /["\\]/.test(displayName))
    errors.displayName = 'The display name cannot contain quotes, backslashes or control characters.';

  const aor = parseSipAddress(form.aor);
  if (!aor.ok) errors.aor = aor.message;

  const authUser = form.authUser.trim();
  if (authUser.length > MAX_AUTH_USER_LENGTH) errors.authUser = `At most ${MAX_AUTH_USER_LENGTH} characters.`;
  else if (hasControlCharacters(authUser) || /[\s"\\]/.test(authUser))
    errors.authUser = 'The user name cannot contain spaces, quotes, backslashes or control characters.';

  if (form.password !== undefined) {
    if (form.password.length > MAX_PASSWORD_LENGTH) errors.password = `At most ${MAX_PASSWORD_LENGTH} characters.`;
    else if (hasControlCharacters(form.password)) errors.password = 'The password cannot contain control characters.';
  }

  // Empty is allowed: accountServerUri then takes the AOR's domain.
  const server = form.server.trim() === '' ? undefined : parseSipServer(form.server);
  if (server?.ok === false) errors.server = server.message;
  const serverTransport = server?.ok === true ? server.value.transport : undefined;

  let outboundProxy = '';
  if (form.outboundProxy.trim() !== '') {
    const proxy = parseSipServer(form.outboundProxy, serverTransport);
    if (proxy.ok) outboundProxy = proxy.value.uri;
    else errors.outboundProxy = proxy.message;
  }

  const wsPath = form.wsPath.trim();
  if (wsPath !== '' && (!wsPath.startsWith('/') || wsPath.length > MAX_WS_PATH_LENGTH || /[\s#]/.test(wsPath))) {
    errors.wsPath = 'The WebSocket path starts with / and has no spaces, like /ws.';
  }

  // Only TLS and WSS verify certificates; for other transports the field is dropped, like wsPath. Without
  // a server DNS chooses the transport, which may be TLS.
  let tlsCaFile = '';
  const caFile = form.tlsCaFile?.trim() ?? '';
  const mayUseTls = server === undefined || serverTransport === 'tls' || serverTransport === 'wss';
  if (caFile !== '' && mayUseTls) {
    if (caFile.length > MAX_FILE_PATH_LENGTH || hasControlCharacters(caFile) || !isAbsolutePath(caFile)) {
      errors.tlsCaFile = 'Give the full path of a PEM file, like /etc/ssl/company-ca.pem or C:\\certs\\ca.pem.';
    } else {
      tlsCaFile = caFile;
    }
  }

  let xcapRoot = '';
  if ((form.xcapRoot ?? '').trim() !== '') {
    const checked = checkXcapRoot(form.xcapRoot ?? '');
    if (checked.ok) xcapRoot = checked.root;
    else errors.xcapRoot = checked.message;
  }

  let presenceListUri = '';
  if ((form.presenceListUri ?? '').trim() !== '') {
    const list = parseSipAddress(form.presenceListUri ?? '');
    if (!list.ok) errors.presenceListUri = list.message;
    else if (aor.ok && list.value.uri === aor.value.uri)
      errors.presenceListUri = 'The presence list URI is a list of its own, not your own address.';
    else presenceListUri = list.value.uri;
  }

  for (const field of ['registerExpires', 'publishExpires', 'subscribeExpires'] as const) {
    const value = form[field];
    if (!Number.isInteger(value) || value < EXPIRES_RANGE.min || value > EXPIRES_RANGE.max) {
      errors[field] = `Enter whole seconds from ${EXPIRES_RANGE.min} to ${EXPIRES_RANGE.max}.`;
    }
  }

  if (!aor.ok || server?.ok === false || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      displayName,
      aor: aor.value.uri,
      authUser,
      server: server?.ok === true ? server.value.uri : '',
      outboundProxy,
      wsPath,
      ...(tlsCaFile === '' ? {} : { tlsCaFile }),
      ...(xcapRoot === '' ? {} : { xcapRoot }),
      ...(presenceListUri === '' ? {} : { presenceListUri }),
      register: form.register,
      publish: form.publish,
      registerExpires: form.registerExpires,
      publishExpires: form.publishExpires,
      subscribeExpires: form.subscribeExpires,
      ...(form.password === undefined ? {} : { password: form.password }),
    },
  };
}

/**
 * The server URI an account connects to: its own, or when that is empty the AOR's domain — RFC 3261
 * §10.2.6: a client that knows no registrar sends REGISTER to the AOR's host, located by RFC 3263's
 * DNS lookups (NAPTR, SRV, A/AAAA).
 */
export function accountServerUri(account: Pick<AccountSettings, 'aor' | 'server'>): string {
  if (account.server.trim() !== '') return account.server;
  const aor = parseSipAddress(account.aor);
  if (!aor.ok) return '';
  const { scheme, host, port } = aor.value;
  return `${scheme}:${host}${port === null ? '' : `:${port}`}`;
}

/** An absolute path on POSIX (`/…`) or Windows (`C:\…`, `\\server\share\…`). */
function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');
}

/** The first error of a failed check as one sentence naming the field, for messages from main. */
export function describeAccountErrors(errors: Partial<Record<AccountFormField, string>>): string {
  const labels: Record<AccountFormField, string> = {
    displayName: 'Display name',
    aor: 'SIP address',
    authUser: 'User name',
    password: 'Password',
    server: 'Server',
    outboundProxy: 'Outbound proxy',
    wsPath: 'WebSocket path',
    tlsCaFile: 'CA certificate file',
    xcapRoot: 'XCAP root',
    presenceListUri: 'Presence list URI',
    register: 'Register',
    publish: 'Publish',
    registerExpires: 'Registration expiry',
    publishExpires: 'Publication expiry',
    subscribeExpires: 'Subscription expiry',
  };
  return Object.entries(errors)
    .map(([field, message]) => `${labels[field as AccountFormField]}: ${message}`)
    .join(' ');
}
