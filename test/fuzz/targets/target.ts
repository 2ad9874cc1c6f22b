/**
 * What every fuzz target provides to the runner: how to make input number N, how to deliver one input
 * and judge the outcome, and how to come back after the target was broken by one.
 */
import type { Prng } from '../prng';

/** The largest UDP payload over IPv4 (65,535 − 8 UDP − 20 IP header bytes): longer UDP inputs are cut to it. */
export const MAX_UDP_PAYLOAD = 65_507;

/** The targets `--target` can name. */
export const TARGET_NAMES = ['pidf', 'compositor-udp', 'compositor-tcp', 'compositor-ws', 'client-notify'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/**
 * What counts as a defect: a throw or internal error (`crash`), no answer to the liveness probe in time
 * (`hang`), a 500 that no RFC asks for (`status-500`), an input slower than the slow bound (`slow`), and for
 * the client a valid NOTIFY after the damage that was not shown (`not-shown`).
 */
export type FailureKind = 'crash' | 'hang' | 'status-500' | 'slow' | 'not-shown';

export interface Failure {
  readonly kind: FailureKind;
  readonly detail: string;
}

/** One generated input: its bytes and where they came from (for the report and the regression file). */
export interface FuzzInput {
  readonly bytes: Buffer;
  readonly seedName: string;
  readonly mutators: readonly string[];
}

/** What delivering one input did. */
export interface InputResult {
  /** Wall time from sending the input to the target proving it is alive again (probe answered). */
  readonly ms: number;
  /** Histogram keys: each status the target answered, `dropped`, `expected-500` or `silent` (no answer). */
  readonly outcomes: readonly string[];
  /** Defects seen; `slow` is added by the runner, which knows the bound. */
  readonly failures: readonly Failure[];
}

export interface FuzzTarget {
  readonly name: TargetName;
  /** Input `rng` stands for (the runner gives each index its own generator). */
  generate(rng: Prng): FuzzInput;
  start(): Promise<void>;
  /** Delivers one input and checks the target still answers. Never throws for a target failure. */
  run(bytes: Buffer): Promise<InputResult>;
  /** Brings a target broken by an input (hung, subscription lost) back to a usable state. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}
