import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../shared/trace/trace-buffer';
import { EMPTY_TRACE_FILTER } from '../../../shared/trace/trace-filter';
import { countdownText, sizeText, toneClass } from '../../../renderer/src/trace/trace-columns';
import { compiledFilterFor, filterIndexFor, groupIndexFor } from '../../../renderer/src/trace/trace-views';
import { presenceSession } from '../shared/trace/sip-fixtures';

describe('trace views', () => {
  it('given an invalid regular expression, then the rest of the filter applies and the error is reported', () => {
    const view = compiledFilterFor({ ...EMPTY_TRACE_FILTER, methods: ['NOTIFY'], text: '(', isRegex: true });
    expect(view.error).toMatch(/^Not a valid regular expression/);
    const buffer = new TraceBuffer(100);
    buffer.append(presenceSession());
    const index = filterIndexFor(buffer, view.filter);
    expect(index.length).toBe(4);
  });

  it('given the same spec object, then the same compiled filter, so every reader shares one index', () => {
    const spec = { ...EMPTY_TRACE_FILTER, text: 'x' };
    expect(compiledFilterFor(spec)).toBe(compiledFilterFor(spec));
    const buffer = new TraceBuffer(100);
    const filter = compiledFilterFor(spec).filter;
    expect(filterIndexFor(buffer, filter)).toBe(filterIndexFor(buffer, filter));
    expect(groupIndexFor(buffer)).toBe(groupIndexFor(buffer));
  });

  it('given appended batches, then the shared indexes catch up when read', () => {
    const buffer = new TraceBuffer(100);
    const filter = compiledFilterFor({ ...EMPTY_TRACE_FILTER, methods: ['PUBLISH'] }).filter;
    const session = presenceSession();
    buffer.append(session.slice(0, 6));
    expect(filterIndexFor(buffer, filter).length).toBe(2);
    expect(groupIndexFor(buffer).groups()).toHaveLength(2);
    buffer.append(session.slice(6));
    expect(filterIndexFor(buffer, filter).length).toBe(8);
    expect(
      groupIndexFor(buffer)
        .groups()
        .map((g) => g.kind)
        .sort(),
    ).toEqual(['dialog', 'publication', 'registration', 'subscription']);
  });
});

describe('trace columns', () => {
  it('colours by method for requests and by class for responses', () => {
    expect(toneClass({ kind: 'request', method: 'PUBLISH', statusCode: 0 })).toBe('tone-method-publish');
    expect(toneClass({ kind: 'request', method: 'FOO', statusCode: 0 })).toBe('tone-method-other');
    expect(toneClass({ kind: 'response', method: 'PUBLISH', statusCode: 412 })).toBe('tone-status-4xx');
    expect(toneClass({ kind: 'keep-alive', method: '', statusCode: 0 })).toBe('tone-keep-alive');
  });

  it('writes countdowns and sizes for people', () => {
    expect(countdownText(1_000 + 598_000, 1_000)).toBe('expires in 9:58');
    expect(countdownText(1_000 + 3_723_000, 1_000)).toBe('expires in 1:02:03');
    expect(countdownText(1_000, 13_000)).toBe('expired 0:12 ago');
    expect([999, 1_234, 2_500_000].map(sizeText)).toEqual(['999 B', '1.2 kB', '2.5 MB']);
  });
});
