import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { detachedSummary, noteLanguagesFor, readNotifyBody } from '../../../../../electron/sip/subscribe/notify-body';

const twoLanguages = `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="sip:bob@example.com">
  <tuple id="t1"><status><basic>open</basic></status></tuple>
  <dm:person id="p1"><dm:note xml:lang="en">Back at 3</dm:note><dm:note xml:lang="de">Um 15 Uhr zurück</dm:note></dm:person>
</presence>`;

describe('the note languages a NOTIFY is read in (RFC 3863 §4.1.6)', () => {
  it('given a locale, then its language comes first and English second; English alone for English locales', () => {
    expect(noteLanguagesFor('de-CH')).toEqual(['de', 'en']);
    expect(noteLanguagesFor('pt_BR')).toEqual(['pt', 'en']);
    expect(noteLanguagesFor('en-GB')).toEqual(['en']);
    expect(noteLanguagesFor(undefined)).toEqual(['en']);
  });

  it('given notes in English and German, then a German viewer gets the German one and an English viewer the English one', () => {
    const read = (locale: string) => readNotifyBody(twoLanguages, 'application/pidf+xml', noteLanguagesFor(locale));
    expect(read('de-DE')).toMatchObject({ kind: 'presence', presence: { note: 'Um 15 Uhr zurück', noteLang: 'de' } });
    expect(read('en-US')).toMatchObject({ kind: 'presence', presence: { note: 'Back at 3', noteLang: 'en' } });
    expect(readNotifyBody(twoLanguages, 'application/pidf+xml')).toMatchObject({ presence: { note: 'Back at 3' } });
  });
});

describe('what a buddy keeps of a NOTIFY', () => {
  /** A presence NOTIFY's text, a few KB of headers and padding around a PIDF body with a note, a timestamp and a contact. */
  const notify = (i: number) =>
    `NOTIFY sip:alice@192.0.2.1 SIP/2.0\r\nX-Padding: ${'p'.repeat(4000)}${i}\r\n\r\n` +
    `<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob${i}@example.com">` +
    `<tuple id="tuple-of-device-${i}"><status><basic>open</basic></status><contact>sip:bob${i}@192.0.2.7:5060;transport=tcp</contact>` +
    `<note>Back at three, after the meeting ${i}</note><timestamp>2026-12-02T07:00:00.${String(i % 1000).padStart(3, '0')}Z</timestamp></tuple></presence>`;
  const summaryOf = (text: string) => {
    const verdict = readNotifyBody(text.slice(text.indexOf('<?xml')), 'application/pidf+xml');
    if (verdict.kind !== 'presence') throw new Error(`not read: ${verdict.kind}`);
    return verdict.presence;
  };

  it('given its summary detached, then it equals the summary read', () => {
    const summary = summaryOf(notify(7));
    expect(summary.devices[0]?.timestamp).toBe('2026-12-02T07:00:00.007Z');
    expect(detachedSummary(summary)).toEqual(summary);
    const odd = { ...summary, note: 'lone \ud800 surrogate', activities: ['on-the-phone', 'Réunion 🎧'] };
    expect(detachedSummary(odd)).toEqual(odd);
  });

  it('given 400 summaries kept, then detached ones keep a small share of the memory of the NOTIFYs they came from', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = (keep: (text: string) => unknown) => {
      gc();
      const before = getHeapStatistics().used_heap_size;
      // Each text is built anew (a template joins pieces), so nothing but what the summary keeps holds it.
      const kept = Array.from({ length: 400 }, (_, i) => keep(notify(i)));
      gc();
      const bytes = getHeapStatistics().used_heap_size - before;
      expect(kept).toHaveLength(400);
      return bytes;
    };
    const sliced = retained(summaryOf);
    const detached = retained((text) => detachedSummary(summaryOf(text)));
    // 400 NOTIFYs of 4 KB are 1.6 MB: the summaries read keep them, the detached ones keep their own few hundred bytes.
    expect(sliced).toBeGreaterThan(400 * 4000);
    expect(detached / sliced, `${detached} bytes detached, ${sliced} sliced`).toBeLessThan(0.25);
  });
});
