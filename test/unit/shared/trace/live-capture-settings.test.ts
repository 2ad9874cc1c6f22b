import { describe, expect, it } from 'vitest';
import { checkHepMirror, DEFAULT_HEP_MIRROR, MAX_CAPTURE_ID, parseHepCollector } from '../../../../shared/trace/live-capture-settings';

describe('HEP collector settings', () => {
  it.each([
    ['homer.example.com:9060', { host: 'homer.example.com', port: 9060 }],
    [' 192.0.2.7:9061 ', { host: '192.0.2.7', port: 9061 }],
    ['[2001:db8::1]:9060', { host: '2001:db8::1', port: 9060 }],
  ])('given %j, then it reads as host and port', (text, value) => {
    expect(parseHepCollector(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['', /Enter the collector as host:port/],
    ['homer.example.com', /Add the collector's port/],
    ['homer.example.com:0', /Port “0” must be a number from 1 to 65535/],
    ['homer.example.com:70000', /must be a number from 1 to 65535/],
    ['homer example:9060', /not a valid domain or IP address/],
    ['[2001:db8::1:9060', /does not close it/],
  ])('given %j, then it is refused with why', (text, message) => {
    const parsed = parseHepCollector(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('given an enabled mirror, then the collector, the capture ID (0 to 2^32 − 1) and the auth key are checked; a disabled one may be incomplete', () => {
    const on = { ...DEFAULT_HEP_MIRROR, enabled: true, collector: 'homer:9060' };
    expect(checkHepMirror(on)).toEqual({});
    expect(checkHepMirror({ ...on, captureId: 0 })).toEqual({});
    expect(checkHepMirror({ ...on, captureId: MAX_CAPTURE_ID })).toEqual({});
    expect(checkHepMirror({ ...on, captureId: MAX_CAPTURE_ID + 1 })).toEqual({ captureId: 'Enter a whole number from 0 to 4294967295.' });
    expect(checkHepMirror({ ...on, captureId: -1 })).toHaveProperty('captureId');
    expect(checkHepMirror({ ...on, captureId: 1.5 })).toHaveProperty('captureId');
    expect(checkHepMirror({ ...on, authKey: 'a\nb' })).toHaveProperty('authKey');
    expect(checkHepMirror({ ...on, collector: '' })).toHaveProperty('collector');
    expect(checkHepMirror({ ...DEFAULT_HEP_MIRROR, collector: '' })).toEqual({});
  });
});
