import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ACCOUNT_SETTINGS,
  accountServerUri,
  checkAccountForm,
  describeAccountErrors,
  type AccountForm,
} from '../../../../shared/account/account-settings';

const form = (overrides: Partial<AccountForm> = {}): AccountForm => ({
  ...DEFAULT_ACCOUNT_SETTINGS,
  displayName: ' Alice ',
  aor: 'alice@Example.com',
  server: 'sip:pbx.example.com;transport=tcp',
  ...overrides,
});

describe('checking the account form', () => {
  it('given good entries, then it returns them normalised', () => {
    const result = checkAccountForm(form({ outboundProxy: 'proxy.example.com:5070', password: 's3cret' }));
    expect(result).toEqual({
      ok: true,
      value: {
        ...DEFAULT_ACCOUNT_SETTINGS,
        displayName: 'Alice',
        aor: 'sip:alice@example.com',
        server: 'sip:pbx.example.com;transport=tcp',
        // The proxy takes the server's transport unless it names its own.
        outboundProxy: 'sip:proxy.example.com:5070;transport=tcp',
        password: 's3cret',
      },
    });
  });

  it('given no password field, then none is passed on (the stored one is kept)', () => {
    const result = checkAccountForm(form());
    expect(result.ok && 'password' in result.value).toBe(false);
  });

  it('given a CA file with TLS or WSS, then it is kept trimmed; with another transport it is dropped', () => {
    const tls = checkAccountForm(form({ server: 'sips:pbx.example.com', tlsCaFile: ' /etc/ssl/company-ca.pem ' }));
    expect(tls.ok && tls.value.tlsCaFile).toBe('/etc/ssl/company-ca.pem');
    const windows = checkAccountForm(form({ server: 'sip:pbx.example.com;transport=wss', tlsCaFile: 'C:\\certs\\ca.pem' }));
    expect(windows.ok && windows.value.tlsCaFile).toBe('C:\\certs\\ca.pem');
    const tcp = checkAccountForm(form({ tlsCaFile: '/etc/ssl/company-ca.pem' }));
    expect(tcp.ok && 'tlsCaFile' in tcp.value).toBe(false);
  });

  it('given a CA file that is not a full path, then the form says how to write one', () => {
    const result = checkAccountForm(form({ server: 'sips:pbx.example.com', tlsCaFile: 'ca.pem' }));
    expect(result).toEqual({
      ok: false,
      errors: { tlsCaFile: 'Give the full path of a PEM file, like /etc/ssl/company-ca.pem or C:\\certs\\ca.pem.' },
    });
  });

  it('given bad entries, then each bad field gets its own sentence', () => {
    const result = checkAccountForm(
      form({
        aor: 'alice',
        server: 'wss://x/ws',
        wsPath: 'ws',
        registerExpires: 10,
        publishExpires: 100_000,
        subscribeExpires: 60.5,
        displayName: 'Al "the" ice',
        authUser: 'al ice',
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(
      ['aor', 'authUser', 'displayName', 'publishExpires', 'registerExpires', 'server', 'subscribeExpires', 'wsPath'].sort(),
    );
    expect(result.errors.registerExpires).toBe('Enter whole seconds from 60 to 86400.');
    expect(describeAccountErrors(result.errors)).toContain('SIP address: “alice” has no user part');
  });

  it('given no server, then the form is accepted with an empty server and the account connects to its address’s domain', () => {
    const result = checkAccountForm(form({ server: '  ', tlsCaFile: '/etc/ssl/company-ca.pem' }));
    expect(result).toMatchObject({ ok: true, value: { server: '', aor: 'sip:alice@example.com', tlsCaFile: '/etc/ssl/company-ca.pem' } });
    expect(accountServerUri({ aor: 'sip:alice@example.com', server: '' })).toBe('sip:example.com');
    expect(accountServerUri({ aor: 'sips:alice@example.com:5071', server: '' })).toBe('sips:example.com:5071');
    expect(accountServerUri({ aor: 'sip:alice@example.com', server: 'sip:pbx.example.com;transport=tcp' })).toBe(
      'sip:pbx.example.com;transport=tcp',
    );
  });
});

describe('the XCAP root (who may watch you)', () => {
  it('given none, then the account has none; given an http(s) address, then it is kept without a trailing slash', () => {
    const without = checkAccountForm(form());
    expect(without.ok && 'xcapRoot' in without.value).toBe(false);
    const withRoot = checkAccountForm(form({ xcapRoot: ' http://127.0.0.1:5066/xcap-root/ ' }));
    expect(withRoot).toMatchObject({ ok: true, value: { xcapRoot: 'http://127.0.0.1:5066/xcap-root' } });
  });

  it('given an address that is not http(s), then the field has a sentence and the message names it', () => {
    const result = checkAccountForm(form({ xcapRoot: 'sip:pbx.example.com' }));
    expect(result).toEqual({ ok: false, errors: { xcapRoot: 'The address must start with http:// or https:// (not sip:).' } });
    if (!result.ok) expect(describeAccountErrors(result.errors)).toMatch(/^XCAP root: /);
  });

  it('given a presence list URI, then it is kept normalised; empty, it is left out; not a SIP address or our own, it is refused', () => {
    expect(checkAccountForm(form({ presenceListUri: ' alice-buddies@Example.com ' }))).toMatchObject({
      ok: true,
      value: { presenceListUri: 'sip:alice-buddies@example.com' },
    });
    const without = checkAccountForm(form({ presenceListUri: '  ' }));
    expect(without.ok && 'presenceListUri' in without.value).toBe(false);
    const notSip = checkAccountForm(form({ presenceListUri: 'http://x/list' }));
    expect(notSip.ok).toBe(false);
    if (!notSip.ok) expect(describeAccountErrors(notSip.errors)).toMatch(/^Presence list URI: /);
    expect(checkAccountForm(form({ presenceListUri: 'sip:alice@example.com' }))).toMatchObject({
      ok: false,
      errors: { presenceListUri: expect.stringMatching(/not your own address/) },
    });
  });
});
