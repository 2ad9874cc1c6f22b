import { describe, expect, it } from 'vitest';
import { buddyLabel, checkBuddyForm, domainOf, knownDisplayName, withDefaultDomain } from '../../../../shared/buddy/buddy';

describe('checking a buddy form', () => {
  it('given a good address without a scheme, then it is normalised and names are trimmed', () => {
    expect(checkBuddyForm({ aor: 'Bob@Example.com', displayName: ' Bob ', group: ' Team ' })).toEqual({
      ok: true,
      value: { aor: 'sip:Bob@example.com', displayName: 'Bob', group: 'Team' },
    });
  });

  it('given a bad address, then the error names what is wrong', () => {
    expect(checkBuddyForm({ aor: 'not an address', displayName: '', group: '' })).toEqual({
      ok: false,
      errors: { aor: 'A SIP address cannot contain spaces; it looks like sip:name@example.com.' },
    });
  });

  it('given a name with control characters, then it is refused', () => {
    const result = checkBuddyForm({ aor: 'sip:bob@example.com', displayName: 'Bob\u0007', group: 'x'.repeat(65) });
    expect(result).toMatchObject({ ok: false, errors: { displayName: expect.any(String), group: 'At most 64 characters.' } });
  });

  it('labels a buddy by its name, else by the user part of its address', () => {
    expect(buddyLabel({ aor: 'sip:bob@example.com', displayName: 'Bobby' })).toBe('Bobby');
    expect(buddyLabel({ aor: 'sip:bob@example.com', displayName: '' })).toBe('bob');
  });

  it('given a bare name and our domain, then the domain is added; without a domain, the message names the missing domain', () => {
    expect(withDefaultDomain(' bob ', 'example.com')).toBe('bob@example.com');
    expect(withDefaultDomain('sip:bob', 'example.com')).toBe('sip:bob@example.com');
    expect(withDefaultDomain('bob@other.org', 'example.com')).toBe('bob@other.org');
    expect(checkBuddyForm({ aor: 'bob', displayName: '', group: '' }, 'example.com')).toEqual({
      ok: true,
      value: { aor: 'sip:bob@example.com', displayName: '', group: '' },
    });
    expect(checkBuddyForm({ aor: 'bob', displayName: '', group: '' })).toEqual({
      ok: false,
      errors: { aor: '“bob” has no domain: add an @ and the domain, like sip:bob@example.com.' },
    });
    expect(domainOf('sip:alice@example.net')).toBe('example.net');
    expect(domainOf(null)).toBeNull();
  });

  it('given an address already in the list with a name, then that name is kept', () => {
    const known = [
      { aor: 'sip:ada@demo.presently.invalid', displayName: 'Ada Lovelace' },
      { aor: 'sip:bob@example.com', displayName: '' },
    ];
    expect(knownDisplayName('sip:ada@demo.presently.invalid', known)).toBe('Ada Lovelace');
    expect(knownDisplayName('sip:bob@example.com', known)).toBe('');
    expect(knownDisplayName('sip:carol@example.com', known)).toBe('');
  });
});
