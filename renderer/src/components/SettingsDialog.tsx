import { useState, type FormEvent } from 'react';
import {
  DEFAULT_ACCOUNT_SETTINGS,
  EXPIRES_RANGE,
  checkAccountForm,
  type AccountField,
  type AccountForm,
} from '../../../shared/account/account-settings';
import { joinServerUri, splitServerUri } from '../../../shared/account/sip-address';
import type { AccountTestResult, AppPreferences } from '../../../shared/ipc/contract';
import { SIP_TRANSPORTS, type SipTransport } from '../../../shared/sip/transport';
import { useAppInfo } from '../stores/app-store';
import { usePreferencesStore } from '../stores/preferences-store';
import { useSessionStore } from '../stores/session-store';
import { useUiStore } from '../stores/ui-store';
import { Dialog } from './Dialog';
import { FormField } from './FormField';
import { IdleThresholdField } from './IdleThresholdField';
import { TraceCaptureSettings } from './TraceCaptureSettings';
import './settings-dialog.css';

/** The form's own state: the server as address + transport, numbers as typed text. */
interface Draft {
  displayName: string;
  aor: string;
  authUser: string;
  password: string;
  /** Remove the stored password (only offered when one is stored). */
  forgetPassword: boolean;
  serverAddress: string;
  transport: SipTransport;
  wsPath: string;
  tlsCaFile: string;
  outboundProxy: string;
  xcapRoot: string;
  presenceListUri: string;
  register: boolean;
  publish: boolean;
  registerExpires: string;
  publishExpires: string;
  subscribeExpires: string;
}

const FIELD_IDS: Record<AccountField, string> = {
  displayName: 'account-display-name',
  aor: 'account-aor',
  authUser: 'account-auth-user',
  password: 'account-password',
  server: 'account-server',
  outboundProxy: 'account-outbound-proxy',
  wsPath: 'account-ws-path',
  tlsCaFile: 'account-tls-ca-file',
  xcapRoot: 'account-xcap-root',
  presenceListUri: 'account-presence-list-uri',
  register: 'account-register',
  publish: 'account-publish',
  registerExpires: 'account-register-expires',
  publishExpires: 'account-publish-expires',
  subscribeExpires: 'account-subscribe-expires',
};

/** Transports that verify the server's certificate, where a CA file applies. */
function isVerifiedTransport(transport: SipTransport): boolean {
  return transport === 'tls' || transport === 'wss';
}

/**
 * Account settings: who we are, how to reach the server (address, transport, proxy, WebSocket path),
 * whether to register and publish, and for how long. Saving checks every field here and again in main,
 * and — when the account registers — first registers once with the form's values (as "Test connection"
 * does): only when that worked is it saved and the running session (the demo, say) replaced, so a typo
 * in the server leaves the dialog open with the reason instead of an empty window. The body scrolls
 * between the fixed title and buttons; an invalid field is scrolled into view and focused.
 */
export function SettingsDialog() {
  const session = useSessionStore((s) => s.session);
  const { accountSaveRequested, accountRemoveRequested } = useSessionStore((s) => s.actions);
  const { dialogClosed } = useUiStore((s) => s.actions);
  const runtime = useAppInfo()?.runtime;
  const preferences = usePreferencesStore((s) => s.preferences);
  const { preferencesChangeRequested } = usePreferencesStore((s) => s.actions);
  const saved = session.account;
  const [draft, setDraft] = useState<Draft>(() => {
    const base = saved ?? DEFAULT_ACCOUNT_SETTINGS;
    const server = base.server ? splitServerUri(base.server) : { address: '', transport: 'udp' as const };
    return {
      displayName: base.displayName,
      aor: base.aor,
      authUser: base.authUser,
      password: '',
      forgetPassword: false,
      serverAddress: server.address,
      transport: server.transport,
      wsPath: base.wsPath,
      tlsCaFile: base.tlsCaFile ?? '',
      outboundProxy: base.outboundProxy ? splitServerUri(base.outboundProxy).address : '',
      xcapRoot: base.xcapRoot ?? '',
      presenceListUri: base.presenceListUri ?? '',
      register: base.register,
      publish: base.publish,
      registerExpires: String(base.registerExpires),
      publishExpires: String(base.publishExpires),
      subscribeExpires: String(base.subscribeExpires),
    };
  });
  const [errors, setErrors] = useState<Partial<Record<AccountField, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  const [test, setTest] = useState<{ phase: 'testing' } | { phase: 'done'; result: AccountTestResult } | null>(null);
  const { accountTestRequested, caFileRequested } = useSessionStore((s) => s.actions);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors({});
    setTest(null);
  };

  /** The form checked here, or null after showing its errors (the first bad field scrolled into view and focused). */
  const checkedForm = (): AccountForm | null => {
    const form = toForm(draft);
    const checked = checkAccountForm(form);
    if (checked.ok) return form;
    setErrors(checked.errors);
    const first = (Object.keys(FIELD_IDS) as AccountField[]).find((field) => checked.errors[field]);
    const element = first ? document.getElementById(FIELD_IDS[first]) : null;
    element?.focus({ preventScroll: true });
    element?.scrollIntoView({ block: 'center' });
    return null;
  };

  const testConnection = async () => {
    setFailure(null);
    const form = checkedForm();
    if (!form) return;
    setTest({ phase: 'testing' });
    setTest({ phase: 'done', result: await accountTestRequested(form) });
  };

  const browseCaFile = async () => {
    const outcome = await caFileRequested();
    if (!outcome.ok) setFailure(outcome.message);
    else if (outcome.path !== null) set('tlsCaFile', outcome.path);
  };

  const toForm = (d: Draft): AccountForm => {
    const password = d.forgetPassword ? '' : d.password === '' ? undefined : d.password;
    return {
      displayName: d.displayName,
      aor: d.aor,
      authUser: d.authUser,
      server: joinServerUri(d.serverAddress, d.transport),
      outboundProxy: d.outboundProxy.trim() === '' ? '' : joinServerUri(d.outboundProxy, d.transport),
      wsPath: d.transport === 'ws' || d.transport === 'wss' ? d.wsPath : '',
      ...(isVerifiedTransport(d.transport) && d.tlsCaFile.trim() !== '' ? { tlsCaFile: d.tlsCaFile } : {}),
      ...(d.xcapRoot.trim() === '' ? {} : { xcapRoot: d.xcapRoot }),
      ...(d.presenceListUri.trim() === '' ? {} : { presenceListUri: d.presenceListUri }),
      register: d.register,
      publish: d.publish,
      registerExpires: Number(d.registerExpires.trim() || Number.NaN),
      publishExpires: Number(d.publishExpires.trim() || Number.NaN),
      subscribeExpires: Number(d.subscribeExpires.trim() || Number.NaN),
      ...(password === undefined ? {} : { password }),
    };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const form = checkedForm();
    // Numbers that are not integers never reach main: the contract only carries integers.
    if (!form) return;
    setIsSaving(true);
    setTest(null);
    if (form.register) {
      const result = await accountTestRequested(form);
      if (!result.ok) {
        setIsSaving(false);
        setFailure(`Not saved: ${result.message}`);
        return;
      }
    }
    const outcome = await accountSaveRequested(form);
    setIsSaving(false);
    if (outcome.ok) dialogClosed();
    else setFailure(outcome.message);
  };

  const switchToDemo = async () => {
    setIsSaving(true);
    const outcome = await accountRemoveRequested();
    setIsSaving(false);
    if (outcome.ok) dialogClosed();
    else setFailure(outcome.message);
  };

  // Preferences apply at once, apart from the account form: they need no reconnect, and Cancel is about the account.
  const changePreference = async (change: Partial<AppPreferences>) => {
    setFailure(null);
    const outcome = await preferencesChangeRequested(change);
    if (!outcome.ok) setFailure(outcome.message);
  };

  const isWebSocket = draft.transport === 'ws' || draft.transport === 'wss';
  const passwordHint = saved?.hasPassword
    ? 'A password is stored. Leave empty to keep it.'
    : session.isPasswordStorePersistent
      ? 'Stored in the system keychain, never in the settings file.'
      : 'Kept only until Presently quits: this system offers no keychain.';

  return (
    <Dialog title="Account settings" testId="settings-dialog" onClose={dialogClosed} className="settings-dialog">
      <form onSubmit={(event) => void submit(event)} noValidate className="settings-form">
        <div className="settings-body">
          {session.mode === 'demo' && (
            <p className="hint-box">
              You are using the offline demo. Enter your SIP account and choose <strong>Save and connect</strong>: the demo stops and
              Presently signs in with your account.
            </p>
          )}
          <fieldset>
            <legend>Identity</legend>
            <div className="field-grid">
              <FormField id={FIELD_IDS.displayName} label="Display name" error={errors.displayName}>
                {(c) => (
                  <input
                    {...c}
                    type="text"
                    autoComplete="name"
                    value={draft.displayName}
                    onChange={(e) => set('displayName', e.target.value)}
                  />
                )}
              </FormField>
              <FormField
                id={FIELD_IDS.aor}
                label="SIP address"
                hint="Your address of record, like sip:alice@example.com."
                error={errors.aor}
              >
                {(c) => (
                  <input
                    {...c}
                    type="text"
                    spellCheck={false}
                    autoComplete="username"
                    data-autofocus
                    value={draft.aor}
                    onChange={(e) => set('aor', e.target.value)}
                  />
                )}
              </FormField>
              <FormField
                id={FIELD_IDS.authUser}
                label="Authentication user"
                hint="Leave empty to use the user part of the address."
                error={errors.authUser}
              >
                {(c) => (
                  <input {...c} type="text" spellCheck={false} value={draft.authUser} onChange={(e) => set('authUser', e.target.value)} />
                )}
              </FormField>
              <FormField id={FIELD_IDS.password} label="Password" hint={passwordHint} error={errors.password}>
                {(c) => (
                  <input
                    {...c}
                    type="password"
                    autoComplete="current-password"
                    value={draft.password}
                    disabled={draft.forgetPassword}
                    placeholder={saved?.hasPassword ? '••••••••' : ''}
                    onChange={(e) => set('password', e.target.value)}
                  />
                )}
              </FormField>
            </div>
            {saved?.hasPassword && (
              <label className="checkbox">
                <input type="checkbox" checked={draft.forgetPassword} onChange={(e) => set('forgetPassword', e.target.checked)} />
                Remove the stored password
              </label>
            )}
          </fieldset>

          <fieldset>
            <legend>Server</legend>
            <div className="field-grid">
              <FormField
                id={FIELD_IDS.server}
                label="Server"
                hint="Registrar and presence server: pbx.example.com, pbx.example.com:5061 or sips:…; empty: found from your address’s domain via DNS"
                error={errors.server}
              >
                {(c) => (
                  <input
                    {...c}
                    type="text"
                    spellCheck={false}
                    value={draft.serverAddress}
                    onChange={(e) => set('serverAddress', e.target.value)}
                  />
                )}
              </FormField>
              <div className="field">
                <label htmlFor="account-transport">Transport</label>
                <select id="account-transport" value={draft.transport} onChange={(e) => set('transport', e.target.value as SipTransport)}>
                  {SIP_TRANSPORTS.map((t) => (
                    <option key={t} value={t}>
                      {t.toUpperCase()}
                    </option>
                  ))}
                </select>
              </div>
              {isVerifiedTransport(draft.transport) && (
                <FormField
                  id={FIELD_IDS.tlsCaFile}
                  label="CA certificate file"
                  hint={`Optional: the full path of a PEM file with your company's certificate authority${
                    runtime === 'electron' ? '' : ' (a browser tab cannot pick files for the app: type the path)'
                  }. The server's certificate is always checked.`}
                  error={errors.tlsCaFile}
                >
                  {(c) => (
                    <div className="field-with-button">
                      <input
                        {...c}
                        type="text"
                        spellCheck={false}
                        value={draft.tlsCaFile}
                        onChange={(e) => set('tlsCaFile', e.target.value)}
                      />
                      {runtime === 'electron' && (
                        <button type="button" onClick={() => void browseCaFile()}>
                          Browse…
                        </button>
                      )}
                    </div>
                  )}
                </FormField>
              )}
              {isWebSocket && (
                <FormField id={FIELD_IDS.wsPath} label="WebSocket path" hint="Like /ws; empty means /." error={errors.wsPath}>
                  {(c) => (
                    <input {...c} type="text" spellCheck={false} value={draft.wsPath} onChange={(e) => set('wsPath', e.target.value)} />
                  )}
                </FormField>
              )}
              <FormField
                id={FIELD_IDS.outboundProxy}
                label="Outbound proxy"
                hint="Optional; uses the same transport."
                error={errors.outboundProxy}
              >
                {(c) => (
                  <input
                    {...c}
                    type="text"
                    spellCheck={false}
                    value={draft.outboundProxy}
                    onChange={(e) => set('outboundProxy', e.target.value)}
                  />
                )}
              </FormField>
              <FormField
                id={FIELD_IDS.xcapRoot}
                label="XCAP root (who may watch you)"
                hint="Optional: where the server keeps who may see your presence, like http://pbx.example.com:5060/xcap-root. Without it, people asking to watch you are shown but cannot be answered from here."
                error={errors.xcapRoot}
              >
                {(c) => (
                  <input {...c} type="url" spellCheck={false} value={draft.xcapRoot} onChange={(e) => set('xcapRoot', e.target.value)} />
                )}
              </FormField>
              <FormField
                id={FIELD_IDS.presenceListUri}
                label="Presence list URI"
                hint="Optional: one subscription that watches all your buddies (RFC 4662), like sip:alice-buddies@example.com. Empty: the list the XCAP server offers, if any; otherwise each buddy is watched on its own."
                error={errors.presenceListUri}
              >
                {(c) => (
                  <input
                    {...c}
                    type="text"
                    spellCheck={false}
                    value={draft.presenceListUri}
                    onChange={(e) => set('presenceListUri', e.target.value)}
                  />
                )}
              </FormField>
            </div>
          </fieldset>

          <fieldset>
            <legend>Registration and presence</legend>
            <label className="checkbox">
              <input id={FIELD_IDS.register} type="checkbox" checked={draft.register} onChange={(e) => set('register', e.target.checked)} />
              Register with the server
            </label>
            <label className="checkbox">
              <input id={FIELD_IDS.publish} type="checkbox" checked={draft.publish} onChange={(e) => set('publish', e.target.checked)} />
              Publish my presence
            </label>
            <div className="field-grid three">
              {(
                [
                  ['registerExpires', 'Registration expiry (s)'],
                  ['publishExpires', 'Publication expiry (s)'],
                  ['subscribeExpires', 'Subscription expiry (s)'],
                ] as const
              ).map(([field, label]) => (
                <FormField
                  key={field}
                  id={FIELD_IDS[field]}
                  label={label}
                  hint={`${EXPIRES_RANGE.min}–${EXPIRES_RANGE.max}`}
                  error={errors[field]}
                >
                  {(c) => (
                    <input
                      {...c}
                      type="number"
                      inputMode="numeric"
                      min={EXPIRES_RANGE.min}
                      max={EXPIRES_RANGE.max}
                      step={1}
                      value={draft[field]}
                      onChange={(e) => set(field, e.target.value)}
                    />
                  )}
                </FormField>
              ))}
            </div>
          </fieldset>

          {/* A browser tab (the web mode) has no tray and no login item: these choices would do nothing there. */}
          {runtime !== 'web' && (
            <fieldset>
              <legend>Desktop</legend>
              <p className="field-hint">These apply at once.</p>
              <label className="checkbox">
                <input
                  id="preference-keep-running-in-tray"
                  type="checkbox"
                  checked={preferences.keepRunningInTray}
                  onChange={(e) => void changePreference({ keepRunningInTray: e.target.checked })}
                />
                Keep running in the tray when the window is closed
              </label>
              <label className="checkbox">
                <input
                  id="preference-start-at-login"
                  type="checkbox"
                  checked={preferences.startAtLogin}
                  onChange={(e) => void changePreference({ startAtLogin: e.target.checked })}
                />
                Start Presently when I log in
              </label>
              <IdleThresholdField />
            </fieldset>
          )}

          <fieldset>
            <legend>Advanced</legend>
            <label className="checkbox">
              <input
                id="preference-trace-to-file"
                type="checkbox"
                checked={preferences.traceToFile}
                onChange={(e) => void changePreference({ traceToFile: e.target.checked })}
              />
              Write SIP messages to the log file (trace to file)
            </label>
            <p className="field-hint">Applies at once. Passwords and credentials are masked.</p>
          </fieldset>

          <TraceCaptureSettings />
        </div>
        <div className="settings-footer">
          {failure && (
            <p role="alert" className="error" data-testid="settings-error">
              {failure}
            </p>
          )}
          <p
            role="status"
            className={`settings-test ${test?.phase === 'done' ? (test.result.ok ? 'ok' : 'error') : 'muted'}`}
            data-testid="settings-test-result"
          >
            {test?.phase === 'testing' ? 'Registering with the server…' : test?.phase === 'done' ? test.result.message : ''}
          </p>
          <div className="dialog-actions">
            {saved && (
              <button type="button" className="left" onClick={() => void switchToDemo()} disabled={isSaving}>
                Remove account and use the demo
              </button>
            )}
            <button type="button" onClick={() => void testConnection()} disabled={isSaving || test?.phase === 'testing'}>
              Test connection
            </button>
            <button type="button" onClick={dialogClosed}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={isSaving}>
              {isSaving ? 'Connecting…' : 'Save and connect'}
            </button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
