/**
 * The account and timers the tests' SIP clients use, in one place. Free of vitest, so the browser tests
 * (test/e2e) and the benchmarks (test/bench) build their clients from the same settings.
 */
import { DEFAULT_EXPIRES, type SipAccountConfig, type SipTimers } from '../../../electron/sip/sip-client-types';

/**
 * Timers short enough that a retransmission, a retry or a reconnection happens within a test's seconds
 * rather than RFC 3261's minutes. The protocol logic is the same; only the clock runs faster.
 */
export const FAST_TIMERS: Partial<SipTimers> = {
  t1: 50,
  t2: 400,
  connectTimeout: 1_000,
  reconnectBase: 200,
  reconnectMax: 1_000,
  retryBase: 300,
  retryMax: 1_000,
};

/** An account that registers and publishes with the app's default intervals; `overrides` win. */
export function testAccount(aor: string, server: string, overrides: Partial<SipAccountConfig> = {}): SipAccountConfig {
  return {
    aor,
    server,
    register: true,
    publish: true,
    registerExpires: DEFAULT_EXPIRES.register,
    publishExpires: DEFAULT_EXPIRES.publish,
    subscribeExpires: DEFAULT_EXPIRES.subscribe,
    ...overrides,
  };
}
