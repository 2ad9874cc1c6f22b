/**
 * Who may watch whom: the handling of a new (or refreshed) presence subscription, from the owner's rules
 * (RFC 5025 §3.2.1 sub-handling), and the server's default for owners without rules (`--default-rule`).
 *
 *   allow         active, the composed document
 *   confirm       pending (RFC 6665 §4.2.1: NOTIFY without body) until the owner decides
 *   polite-block  active, but the document says closed (the watcher cannot tell it from offline)
 *   block         terminated;reason=rejected (RFC 6665 §4.2.2)
 *
 * Default: with a users file `confirm` — a team server shares nothing before its owner agrees; without one (the open
 * loopback demo) `allow`, as before.
 */
import { handlingFor, type SubHandling } from '../../../shared/pres-rules';
import type { Aor } from '../message/aor';
import type { RulesBook } from './rules-book';

/** The `--default-rule` values: what the command line calls them. */
export const DEFAULT_RULE_NAMES = ['allow', 'ask', 'block'] as const;
/** One of `--default-rule`'s values. */
export type DefaultRuleName = (typeof DEFAULT_RULE_NAMES)[number];

/** The handling a `--default-rule` value stands for. */
export function handlingOfDefaultRule(name: DefaultRuleName): SubHandling {
  return name === 'ask' ? 'confirm' : name;
}

/** The server's default handling: the configured rule, else `confirm` with logins and `allow` without. */
export function defaultHandling(configured: DefaultRuleName | undefined, hasUsersFile: boolean): SubHandling {
  if (configured !== undefined) return handlingOfDefaultRule(configured);
  return hasUsersFile ? 'confirm' : 'allow';
}

/**
 * The handling for a watcher of an owner. The owner always may watch themselves (their own devices show each other's
 * state), whatever the rules say.
 */
export function decideWatcher(book: RulesBook, owner: Aor, watcher: Aor | null, watcherUri: string): SubHandling {
  if (watcher !== null && watcher.key === owner.key) return 'allow';
  return handlingFor(book.rulesOf(owner.key), watcher?.uri ?? watcherUri);
}
