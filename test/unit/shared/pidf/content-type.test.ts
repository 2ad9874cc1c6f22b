import { describe, expect, it } from 'vitest';
import { ACCEPTED_PRESENCE_TYPES, PRESENCE_ACCEPT_HEADER, parsePresenceContentType } from '../../../../shared/pidf';

describe('presence content types', () => {
  it('lists PIDF first, as RFC 3856 requires, then the older formats', () => {
    expect(ACCEPTED_PRESENCE_TYPES).toEqual(['application/pidf+xml', 'application/cpim-pidf+xml', 'application/xpidf+xml']);
    expect(PRESENCE_ACCEPT_HEADER).toBe('application/pidf+xml, application/cpim-pidf+xml, application/xpidf+xml');
  });

  it.each([
    ['application/pidf+xml', 'application/pidf+xml'],
    ['Application/PIDF+XML', 'application/pidf+xml'],
    ['application/pidf+xml; charset="UTF-8"', 'application/pidf+xml'],
    ['  application/cpim-pidf+xml ;charset=utf-8', 'application/cpim-pidf+xml'],
    ['application/xpidf+xml', 'application/xpidf+xml'],
  ])('reads %j as %s', (header, expected) => {
    expect(parsePresenceContentType(header)).toBe(expected);
  });

  it.each(['application/dialog-info+xml', 'multipart/related;type="application/rlmi+xml"', 'text/plain', '', 'application/pidf'])(
    'refuses %j',
    (header) => {
      expect(parsePresenceContentType(header)).toBeNull();
    },
  );

  it('refuses a missing header', () => {
    expect(parsePresenceContentType(undefined)).toBeNull();
    expect(parsePresenceContentType(null)).toBeNull();
  });
});
