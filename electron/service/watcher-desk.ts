/**
 * "Who can see you": the session's watcher information (the engine's `presence.winfo` subscription, RFC 3857) and
 * the user's presence rules on the server (XCAP, RFC 4825 / RFC 5025, electron/sip/xcap/), as one `WatchersState`
 * for the window — and the user's Allow / Block, written into those rules.
 *
 *   attach(session) ──► waiting ──NOTIFY──► listening (watchers; the rules read once the server answers)
 *                          │ 489 ──► not-offered        │ decide(uri, allow|block) ──► PUT pres-rules ──► rules again
 *                          └ other failure ──► failed (the engine keeps trying)
 *   detach() ──► off
 *
 * Without an XCAP root pending watchers are still listed; `canDecide` is false and the window says the server
 * offers no way to answer from here.
 */
import type { WatcherDecision, WatcherRuleView, WatchersState, WatcherView } from '../../shared/ipc/contract';
import type { WatcherEntry } from '../../shared/watcherinfo';
import { UserFacingError } from '../ipc/user-facing-error';
import type { SipClient, WatcherInfoState } from '../sip/sip-client';
import { PresRulesEditor } from '../sip/xcap/pres-rules-editor';
import { XcapClient, XcapError } from '../sip/xcap/xcap-client';
import type { PresRules } from '../../shared/pres-rules';

/** The state without a session. */
export const WATCHERS_OFF: WatchersState = {
  availability: 'off',
  problem: null,
  watchers: [],
  canDecide: false,
  rules: [],
  rulesProblem: null,
};

/** Where the session's rules live and as whom to reach them. */
export interface RulesAccess {
  readonly xcapRoot: string;
  /** The owner's AOR: whose document it is. */
  readonly aor: string;
  readonly username: string;
  readonly password?: string;
}

/** An XCAP client for the account's own documents (rules, lists). @throws XcapError for an XCAP root it cannot use */
export function xcapClientFor(rules: RulesAccess, timeoutMs?: number): XcapClient {
  return new XcapClient({
    xcapRoot: rules.xcapRoot,
    username: rules.username,
    ...(rules.password === undefined ? {} : { password: rules.password }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** The order of watchers in the list: those waiting for an answer first. */
const STATUS_ORDER: Readonly<Record<WatcherView['status'], number>> = { pending: 0, waiting: 1, active: 2, terminated: 3 };

/** Keeps the watchers state of the current session. */
export class WatcherDesk {
  private stateValue: WatchersState = WATCHERS_OFF;
  private editor: PresRulesEditor | null = null;
  private client: SipClient | null = null;
  /** Incremented per session: answers of an earlier session's requests are dropped. */
  private generation = 0;
  private hasReadRules = false;

  constructor(
    private readonly onChange: (state: WatchersState) => void,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  /** The state as last reported. */
  get state(): WatchersState {
    return this.stateValue;
  }

  /** Follows a session's watcher information; `rules` null when the account has no XCAP root. Returns the detach. */
  attach(client: SipClient, rules: RulesAccess | null): () => void {
    this.generation += 1;
    const generation = this.generation;
    this.hasReadRules = false;
    this.editor = null;
    this.client = client;
    let problem: string | null = null;
    if (rules !== null) {
      try {
        this.editor = new PresRulesEditor(xcapClientFor(rules), rules.aor);
      } catch (error) {
        problem = error instanceof XcapError ? error.message : String(error);
      }
    }
    this.set({ ...WATCHERS_OFF, availability: 'waiting', canDecide: this.editor !== null, rulesProblem: problem });
    const stop = client.onWatcherInfo((info) => {
      if (generation === this.generation) this.fromEngine(info, generation);
    });
    this.fromEngine(client.watcherInfo, generation);
    return () => {
      stop();
      if (generation !== this.generation) return;
      this.generation += 1;
      this.editor = null;
      this.client = null;
      this.set(WATCHERS_OFF);
    };
  }

  /** Writes the user's answer for one watcher into the rules. @throws UserFacingError */
  async decide(uri: string, decision: WatcherDecision): Promise<WatchersState> {
    const editor = this.editor;
    if (editor === null) {
      throw new UserFacingError(
        'This server offers no way to answer watchers from Presently: add its XCAP root (who may watch you) in the account settings.',
      );
    }
    const known = this.stateValue.watchers.some((w) => w.uri === uri) || this.stateValue.rules.some((r) => r.uri === uri);
    if (!known) throw new UserFacingError(`${uri} is not among the people who asked to see your presence.`);
    const generation = this.generation;
    let rules: PresRules;
    try {
      rules = await editor.setHandling(uri, decision);
    } catch (error) {
      const message = error instanceof XcapError ? error.message : `Presently could not change who may see you: ${String(error)}`;
      if (generation === this.generation) this.set({ ...this.stateValue, rulesProblem: message });
      throw new UserFacingError(message);
    }
    this.log('info', `${decision === 'allow' ? 'allowed' : 'blocked'} ${uri} to see our presence`);
    // Kamailio applies the rules to the watcher without a NOTIFY of our watcher information: ask for it whole.
    if (generation === this.generation) this.client?.refreshWatcherInfo();
    if (generation === this.generation) this.set({ ...this.stateValue, rules: ruleViews(rules), rulesProblem: null });
    return this.stateValue;
  }

  private fromEngine(info: WatcherInfoState, generation: number): void {
    const subscription = info.subscription;
    let availability: WatchersState['availability'] = 'waiting';
    let problem: string | null = null;
    if (subscription.phase === 'active' || subscription.phase === 'pending') availability = 'listening';
    else if (subscription.phase === 'error') {
      const code = subscription.problem?.statusCode;
      // RFC 6665 §4.1.2.1: 489, no such package here; some servers answer 404 for a package they lack.
      const offered = code !== 489 && code !== 404;
      availability = offered ? 'failed' : 'not-offered';
      problem = offered
        ? (subscription.problem?.message ?? 'Watching who asks to see your presence failed.')
        : 'The server does not tell who asks to see your presence (no watcher information).';
    }
    this.set({ ...this.stateValue, availability, problem, watchers: watcherViews(info.watchers) });
    if (availability === 'listening' && !this.hasReadRules && this.editor !== null) {
      this.hasReadRules = true;
      void this.readRules(this.editor, generation);
    }
  }

  private async readRules(editor: PresRulesEditor, generation: number): Promise<void> {
    try {
      const rules = await editor.read();
      if (generation === this.generation) this.set({ ...this.stateValue, rules: ruleViews(rules), rulesProblem: null });
    } catch (error) {
      const message = error instanceof XcapError ? error.message : String(error);
      this.log('warn', `reading the presence rules failed: ${message}`);
      if (generation === this.generation) this.set({ ...this.stateValue, rulesProblem: message });
    }
  }

  private set(state: WatchersState): void {
    this.stateValue = state;
    this.onChange(state);
  }
}

/** One view per watcher address (a watcher with several subscriptions is listed once, by its most urgent state). */
function watcherViews(entries: readonly WatcherEntry[]): WatcherView[] {
  const byUri = new Map<string, WatcherView>();
  for (const entry of entries) {
    const seen = byUri.get(entry.uri);
    if (seen !== undefined && STATUS_ORDER[seen.status] <= STATUS_ORDER[entry.status]) continue;
    byUri.set(entry.uri, {
      uri: entry.uri,
      displayName: entry.displayName ?? seen?.displayName ?? null,
      status: entry.status,
      event: entry.event,
    });
  }
  return [...byUri.values()].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

function ruleViews(rules: PresRules): WatcherRuleView[] {
  return [...rules.byWatcher].map(([uri, handling]) => ({ uri, handling }));
}
