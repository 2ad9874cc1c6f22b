import { describe, expect, it } from 'vitest';
import { noteLanguagesFor, readNotifyBody } from '../../../../../electron/sip/subscribe/notify-body';

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
