import { describe, expect, it } from 'vitest';
import * as v from '../../../shared/validation';

describe('validators', () => {
  const buddy = v.object({
    aor: v.string({ minLength: 5, maxLength: 256, pattern: /^sips?:/ }),
    group: v.optional(v.string({ maxLength: 64 })),
    priority: v.number({ min: 0, max: 1 }),
    kind: v.literal('person', 'room'),
    tags: v.array(v.string(), { maxLength: 2 }),
  });

  it('accepts a well-formed object and drops absent optional properties', () => {
    const result = buddy.validate({ aor: 'sip:bob@example.com', priority: 0.5, kind: 'person', tags: [] });
    expect(result).toEqual({ ok: true, value: { aor: 'sip:bob@example.com', priority: 0.5, kind: 'person', tags: [] } });
  });

  it('names the offending path', () => {
    const result = buddy.validate({ aor: 'sip:bob@example.com', priority: 0.5, kind: 'robot', tags: [] }, 'buddy');
    expect(result).toEqual({ ok: false, error: 'buddy.kind: expected one of "person", "room", got "robot"' });
  });

  it('rejects unknown properties instead of passing them through', () => {
    const result = buddy.validate({ aor: 'sip:b@x.org', priority: 0, kind: 'room', tags: [], __proto__x: 1 });
    expect(result).toEqual({ ok: false, error: '__proto__x: unexpected property' });
  });

  it('rejects non-finite numbers, wrong patterns, long arrays and nested errors in arrays', () => {
    expect(v.number().validate(Number.NaN).ok).toBe(false);
    expect(v.number({ integer: true }).validate(1.5).ok).toBe(false);
    expect(buddy.validate({ aor: 'http://x', priority: 0, kind: 'room', tags: [] }).ok).toBe(false);
    expect(buddy.validate({ aor: 'sip:b@x.org', priority: 0, kind: 'room', tags: ['a', 'b', 'c'] }).ok).toBe(false);
    expect(v.array(v.boolean).validate([true, 'no'], 'flags')).toEqual({
      ok: false,
      error: 'flags[1]: expected a boolean, got "no"',
    });
  });

  it('distinguishes no payload from any payload', () => {
    expect(v.none.validate(undefined)).toEqual({ ok: true, value: undefined });
    expect(v.none.validate(null).ok).toBe(false);
    expect(v.none.validate({}).ok).toBe(false);
  });

  it('accepts the first matching alternative of a union, and null for nullable', () => {
    const id = v.union(v.number({ integer: true }), v.string({ minLength: 1 }));
    expect(id.validate(3)).toEqual({ ok: true, value: 3 });
    expect(id.validate('x')).toEqual({ ok: true, value: 'x' });
    expect(id.validate(false).ok).toBe(false);
    expect(v.nullable(v.boolean).validate(null)).toEqual({ ok: true, value: null });
  });
});
