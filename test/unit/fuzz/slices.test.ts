/**
 * What CI runs of the fuzzer: a fixed-seed slice of every target (the same inputs on every run), asserting
 * that none crashes the target, hangs it, draws a 500 no RFC asks for, or (client) leaves a valid NOTIFY
 * unshown. Nothing is saved from here; `npm run fuzz` saves failing inputs for the regression test.
 */
import { describe, expect, it } from 'vitest';
import { runTarget, type TargetSummary } from '../../fuzz/runner';
import { createTarget, type TargetName } from '../../fuzz/targets';

const SEED = 20_240_611;

/** The counts a clean run has, with the failing inputs listed when it is not clean. */
function defects(summary: TargetSummary) {
  return {
    crash: summary.counts.crash,
    hang: summary.counts.hang,
    'status-500': summary.counts['status-500'],
    'not-shown': summary.counts['not-shown'],
    failing: summary.failing
      .filter((input) => input.failures.some((f) => f.kind !== 'slow'))
      .map((input) => `#${input.index} ${input.failures.map((f) => `${f.kind}: ${f.detail.split('\n')[0]}`).join('; ')}`),
  };
}

const CLEAN = { crash: 0, hang: 0, 'status-500': 0, 'not-shown': 0, failing: [] };

async function slice(name: TargetName, count: number): Promise<TargetSummary> {
  const summary = await runTarget(createTarget(name), { seed: SEED, count, regressionDir: null });
  expect(summary.inputs).toBe(count);
  return summary;
}

describe('fuzz slices (fixed seed)', () => {
  it('pidf: 2,000 damaged presence documents are parsed or refused without a throw', async () => {
    expect(defects(await slice('pidf', 2000))).toEqual(CLEAN);
  }, 120_000);

  for (const transport of ['udp', 'tcp', 'ws'] as const) {
    it(`compositor-${transport}: 2,000 damaged requests; the compositor answers a valid OPTIONS after each, never 500`, async () => {
      expect(defects(await slice(`compositor-${transport}`, 2000))).toEqual(CLEAN);
    }, 120_000);
  }

  it('client-notify: 1,000 damaged NOTIFYs in a dialog; the client keeps answering and shows the next valid NOTIFY', async () => {
    expect(defects(await slice('client-notify', 1000))).toEqual(CLEAN);
  }, 120_000);
});
