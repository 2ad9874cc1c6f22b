/**
 * "Test connection": one registration (RFC 3261 §10) with the account as the form has it, by a
 * throwaway SipClient that publishes nothing, watches no one and is stopped (unregistered) at once —
 * so the running session, demo or account, carries on untouched and nothing is saved.
 */
import { errorMessage } from '../../shared/error-message';
import type { AccountTestResult } from '../../shared/ipc/contract';
import type { AccountState } from '../../shared/presence/presence-state';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { waitAtMost } from '../deadline';
import { serverProductName } from '../sip/server-profile';
import { SipClient, type SipAccountConfig, type SipClientOptions } from '../sip/sip-client';

/** Asks the user for a file to open: its absolute path, or null when they cancel. */
export interface OpenFileChooser {
  choose(request: {
    readonly title: string;
    readonly filters: readonly { readonly name: string; readonly extensions: readonly string[] }[];
  }): Promise<string | null>;
}

/** How long a test may take before it reports no answer, and how long its client may take to stop. */
export const ACCOUNT_TEST_LIMITS = { answerMs: 15_000, stopMs: 2_000 } as const;

export interface AccountTestOptions {
  readonly sipOptions: SipClientOptions;
  /** Receives the test's SIP messages (the service records them in the trace, where the user can read them). */
  readonly onTrace?: (entry: UnnumberedTraceEntry) => void;
  readonly answerMs?: number;
  readonly now?: () => number;
}

/** The sentence for a first attempt's outcome, from the state the client reported. */
export function describeAccountTest(state: AccountState, elapsedMs: number, answerMs: number): AccountTestResult {
  if (state.phase === 'registered') {
    const name = state.serverProfile ? serverProductName(state.serverProfile) : state.server;
    return { ok: true, message: `Registered with ${name} in ${Math.round(elapsedMs)} ms.` };
  }
  if (state.phase === 'failed') return { ok: false, message: state.problem?.message ?? 'The registration failed.' };
  return { ok: false, message: `The server did not answer within ${Math.round(answerMs / 1000)} s.` };
}

/** Registers once with `config` (registration forced on, publication off), then stops; never rejects. */
export async function testAccountRegistration(config: SipAccountConfig, options: AccountTestOptions): Promise<AccountTestResult> {
  const now = options.now ?? Date.now;
  const answerMs = options.answerMs ?? ACCOUNT_TEST_LIMITS.answerMs;
  let client: SipClient;
  try {
    client = new SipClient({ ...config, register: true, publish: false }, options.sipOptions);
  } catch (error) {
    return { ok: false, message: errorMessage(error) };
  }
  const stopTracing = options.onTrace ? client.onTrace(options.onTrace) : () => undefined;
  const startedAt = now();
  try {
    await waitAtMost(client.start(), answerMs);
    return describeAccountTest(client.accountState, now() - startedAt, answerMs);
  } finally {
    await waitAtMost(client.stop({ timeoutMs: ACCOUNT_TEST_LIMITS.stopMs }), ACCOUNT_TEST_LIMITS.stopMs + 500);
    stopTracing();
  }
}
