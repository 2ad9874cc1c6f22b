/**
 * Pretty-prints a message body for the detail view: XML (PIDF, watcher-info, resource lists) indented
 * one element per line with short text kept inline, JSON re-indented, anything else as is.
 *
 * The XML is re-laid out as text — tags are tokenised, never parsed into a document — so nothing is
 * resolved or expanded (no entities, no DTD), and input that does not tokenise cleanly comes back
 * untouched rather than half-formatted.
 */

export type BodyLanguage = 'xml' | 'json' | 'text';

export interface PrettyBody {
  readonly text: string;
  readonly language: BodyLanguage;
  /** The text differs from the body as received. */
  readonly isReformatted: boolean;
}

/** Bodies above this size are shown as received (formatting them would not help anyone read them). */
const MAX_PRETTY = 512 * 1024;

/** Pretty-prints `body` according to its Content-Type (or, when absent, how it looks). */
export function prettyPrintBody(body: string, contentType: string): PrettyBody {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const trimmed = body.trim();
  const looksXml = type.endsWith('+xml') || type.endsWith('/xml') || (type === '' && trimmed.startsWith('<'));
  const looksJson = type.endsWith('+json') || type.endsWith('/json') || (type === '' && /^[[{]/.test(trimmed));
  if (body.length > MAX_PRETTY || trimmed === '')
    return { text: body, language: looksXml ? 'xml' : looksJson ? 'json' : 'text', isReformatted: false };
  if (looksXml) {
    const text = prettyPrintXml(trimmed);
    return text === null ? { text: body, language: 'xml', isReformatted: false } : { text, language: 'xml', isReformatted: text !== body };
  }
  if (looksJson) {
    try {
      const text = JSON.stringify(JSON.parse(trimmed) as unknown, null, 2);
      return { text, language: 'json', isReformatted: text !== body };
    } catch {
      return { text: body, language: 'json', isReformatted: false };
    }
  }
  return { text: body, language: 'text', isReformatted: false };
}

type Token =
  | { kind: 'open'; text: string; name: string }
  | { kind: 'close'; text: string; name: string }
  | { kind: 'empty'; text: string }
  | { kind: 'other'; text: string } // declaration, comment, CDATA, processing instruction
  | { kind: 'text'; text: string };

/** Indents XML text two spaces per level; null when it does not tokenise or tags do not balance. */
export function prettyPrintXml(xml: string): string | null {
  const tokens = tokenize(xml);
  if (tokens === null) return null;
  const lines: string[] = [];
  const stack: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const indent = '  '.repeat(stack.length);
    switch (token.kind) {
      case 'open': {
        const next = tokens[i + 1];
        const after = tokens[i + 2];
        // <note>short text</note> stays on one line.
        if (next?.kind === 'text' && after?.kind === 'close' && after.name === token.name && !next.text.includes('\n')) {
          lines.push(`${indent}${token.text}${next.text}${after.text}`);
          i += 2;
        } else if (next?.kind === 'close' && next.name === token.name) {
          lines.push(`${indent}${token.text}${next.text}`);
          i += 1;
        } else {
          lines.push(`${indent}${token.text}`);
          stack.push(token.name);
        }
        break;
      }
      case 'close': {
        if (stack.pop() !== token.name) return null;
        lines.push(`${'  '.repeat(stack.length)}${token.text}`);
        break;
      }
      case 'empty':
      case 'other':
        lines.push(`${indent}${token.text}`);
        break;
      case 'text':
        for (const line of token.text.split('\n')) if (line.trim() !== '') lines.push(`${indent}${line.trim()}`);
        break;
    }
  }
  return stack.length === 0 ? lines.join('\n') : null;
}

function tokenize(xml: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < xml.length) {
    if (xml[i] !== '<') {
      const end = xml.indexOf('<', i);
      const text = xml.slice(i, end < 0 ? xml.length : end);
      if (text.trim() !== '') tokens.push({ kind: 'text', text: text.trim() });
      i = end < 0 ? xml.length : end;
      continue;
    }
    const special = [
      ['<!--', '-->'],
      ['<![CDATA[', ']]>'],
      ['<?', '?>'],
    ].find(([open]) => xml.startsWith(open!, i));
    if (special) {
      const end = xml.indexOf(special[1]!, i + special[0]!.length);
      if (end < 0) return null;
      tokens.push({ kind: 'other', text: xml.slice(i, end + special[1]!.length) });
      i = end + special[1]!.length;
      continue;
    }
    const end = findTagEnd(xml, i + 1);
    if (end < 0) return null;
    const text = xml.slice(i, end + 1);
    if (text.startsWith('<!')) tokens.push({ kind: 'other', text });
    else if (text.startsWith('</')) tokens.push({ kind: 'close', text, name: text.slice(2, -1).trim() });
    else if (text.endsWith('/>')) tokens.push({ kind: 'empty', text });
    else {
      const name = /^<([^\s/>]+)/.exec(text)?.[1];
      if (!name) return null;
      tokens.push({ kind: 'open', text, name });
    }
    i = end + 1;
  }
  return tokens;
}

/** The index of the `>` closing a tag that starts before `from`, skipping quoted attribute values. */
function findTagEnd(xml: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
    else if (c === '<') return -1;
  }
  return -1;
}
