/**
 * A buddy: someone whose presence the user watches (a presentity, RFC 3856 §2), as the buddy list
 * stores and shows it, and the rules an added or edited buddy must meet. `checkBuddyForm` runs in the
 * renderer for instant feedback and again in main, which trusts nothing the renderer sends.
 */
import type { BuddyPresence } from '../presence/presence-state';
import { parseSipAddress } from '../account/sip-address';
import { hasControlCharacters } from '../account/text-rules';
import { uriWithoutParams } from '../sip/header-values';

/** A buddy as saved in buddies.json. The AOR is the key: one entry per address. */
export interface Buddy {
  /** Normalised SIP address, `sip:bob@example.com`. */
  readonly aor: string;
  /** The name to show; empty shows the AOR's user part. */
  readonly displayName: string;
  /** The group the list files the buddy under; empty is "Buddies". */
  readonly group: string;
}

/** Where a buddy in the list comes from: the user's saved list, or the offline demo's colleagues. */
export type BuddySource = 'saved' | 'demo';

/** "Tell me when available": no alert, one alert then off again, or an alert every time the buddy turns Available. */
export type BuddyAlert = 'off' | 'once' | 'every-time';

export const BUDDY_ALERTS: readonly BuddyAlert[] = ['off', 'once', 'every-time'];

/** One row of the buddy list: the buddy, where it comes from, and what we know of its presence. */
export interface BuddyEntry extends Buddy {
  readonly source: BuddySource;
  readonly presence: BuddyPresence;
  /** The buddy's availability alert; absent is off (demo colleagues, buddies saved before alerts existed). */
  readonly alert?: BuddyAlert;
}

/** What the add/edit form sends. */
export type BuddyForm = Buddy;

export type BuddyField = keyof BuddyForm;

export const MAX_BUDDY_NAME_LENGTH = 128;
export const MAX_GROUP_NAME_LENGTH = 64;
/**
 * It bounds the file and the SUBSCRIBEs: a company directory watched whole (the engine paces 5,000 subscriptions; the
 * window draws only the rows in view).
 */
export const MAX_BUDDIES = 5_000;

/** The group shown for buddies without one. */
export const DEFAULT_GROUP_LABEL = 'Buddies';

export type BuddyCheck =
  { readonly ok: true; readonly value: Buddy } | { readonly ok: false; readonly errors: Partial<Record<BuddyField, string>> };

/**
 * The key an address is matched by across the buddy list, the engine's reports and the SIP messages we sent:
 * without URI parameters, case folded.
 */
export function addressKey(uri: string): string {
  return uriWithoutParams(uri.trim()).toLowerCase();
}

/**
 * The address as the user typed it, with `domain` added to a bare name: `bob` → `bob@example.com`, `sip:bob` →
 * `sip:bob@example.com`. Anything with an @, and anything when `domain` is null, is returned trimmed.
 */
export function withDefaultDomain(input: string, domain: string | null): string {
  const text = input.trim();
  if (domain === null || text === '' || text.includes('@') || /\s/.test(text)) return text;
  return `${text}@${domain}`;
}

/** The domain of our own address (`sip:alice@example.com` → `example.com`), for completing bare names; null without one. */
export function domainOf(aor: string | null | undefined): string | null {
  if (!aor) return null;
  const parsed = parseSipAddress(aor);
  return parsed.ok ? parsed.value.host : null;
}

/**
 * Checks a buddy form and returns it normalised (AOR canonical, names trimmed), or one sentence per bad field.
 * With `domain` a bare name is completed with it (see withDefaultDomain); without, a bare name is refused for its
 * missing domain.
 */
export function checkBuddyForm(form: BuddyForm, domain: string | null = null): BuddyCheck {
  const errors: Partial<Record<BuddyField, string>> = {};
  const typed = withDefaultDomain(form.aor, domain);
  const aor = parseSipAddress(typed);
  if (!aor.ok) errors.aor = isBareName(typed) ? missingDomainMessage(typed) : aor.message;
  const displayName = form.displayName.trim();
  if (displayName.length > MAX_BUDDY_NAME_LENGTH) errors.displayName = `At most ${MAX_BUDDY_NAME_LENGTH} characters.`;
  else if (hasControlCharacters(displayName)) errors.displayName = 'The name cannot contain control characters.';
  const group = form.group.trim();
  if (group.length > MAX_GROUP_NAME_LENGTH) errors.group = `At most ${MAX_GROUP_NAME_LENGTH} characters.`;
  else if (hasControlCharacters(group)) errors.group = 'The group cannot contain control characters.';
  if (!aor.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { aor: aor.value.uri, displayName, group } };
}

/** A user part alone (`bob`, `sip:bob`): something before where the @ and the domain should be. */
function isBareName(text: string): boolean {
  return text !== '' && !text.includes('@') && !/\s/.test(text) && !/^sips?:$/i.test(text);
}

function missingDomainMessage(text: string): string {
  const user = text.replace(/^sips?:/i, '');
  return `“${text}” has no domain: add an @ and the domain, like sip:${user}@example.com.`;
}

/**
 * The name to keep for a buddy being added under an address the list already has (a demo colleague, or a buddy
 * saved before): a form left without a name must not rename "Ada Lovelace" to "ada". `known` is the current list.
 */
export function knownDisplayName(aor: string, known: readonly Pick<Buddy, 'aor' | 'displayName'>[]): string {
  const match = known.find((buddy) => buddy.aor.toLowerCase() === aor.toLowerCase() && buddy.displayName !== '');
  return match?.displayName ?? '';
}

/** The name to show for a buddy: its display name, else the user part of its AOR. */
export function buddyLabel(buddy: Pick<Buddy, 'aor' | 'displayName'>): string {
  if (buddy.displayName !== '') return buddy.displayName;
  const match = /^sips?:([^@]+)@/.exec(buddy.aor);
  return match?.[1] ?? buddy.aor;
}
