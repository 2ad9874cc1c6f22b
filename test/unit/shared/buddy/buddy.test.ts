import { describe, expect, it } from 'vitest';
import { buddyLabel, checkBuddyForm } from '../../../../shared/buddy/buddy';

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
});
