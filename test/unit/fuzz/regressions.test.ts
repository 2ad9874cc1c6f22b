/**
 * Replays every saved fuzz regression (test/fuzz/regressions/) against its target — in-process for pidf,
 * a compositor on loopback for the compositor targets, a SipClient and scripted notifier for
 * client-notify — and asserts the input no longer fails: no crash, hang, unexpected 500 or lost
 * subscription, and not slower than the fuzzer's bound (slow in every one of three runs, so a GC pause
 * on a busy machine does not fail it). A regression marked `knownIssue` shows a defect whose fix is still to
 * come: it is expected to fail, and once it passes the mark must be removed.
 */
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegressions, REGRESSION_DIR, type Regression } from '../../fuzz/regressions';
import { FAILING_KINDS, runConfirmingSlowness } from '../../fuzz/runner';
import { createTarget, TARGET_NAMES, type FuzzTarget } from '../../fuzz/targets';

const SLOW_MS = 50;
const regressions = loadRegressions();

/** What still fails when the input is replayed: the failing kinds, and slowness confirmed by a second run. */
async function replay(target: FuzzTarget, regression: Regression): Promise<string[]> {
  const result = await runConfirmingSlowness(target, regression.bytes, SLOW_MS);
  const failures = result.failures.filter((f) => FAILING_KINDS.includes(f.kind)).map((f) => `${f.kind}: ${f.detail}`);
  if (result.slow) failures.push(`slow: ${result.ms.toFixed(1)} ms twice (bound ${SLOW_MS} ms)`);
  // A broken target would fail the next regression too.
  if (failures.length > 0) await target.restart();
  return failures;
}

describe('fuzz regressions folder', () => {
  it('holds pairs: every input (.bin or .bin.gz) has its description (.json) and the reverse', () => {
    const files = existsSync(REGRESSION_DIR) ? readdirSync(REGRESSION_DIR) : [];
    const bases = (ext: string) => files.filter((f) => f.endsWith(ext)).map((f) => f.slice(0, -ext.length));
    expect([...bases('.bin'), ...bases('.bin.gz')].sort()).toEqual(bases('.json').sort());
    expect(regressions.map((r) => r.name)).toEqual(bases('.json'));
  });
});

for (const targetName of TARGET_NAMES) {
  const mine = regressions.filter((r) => r.meta.target === targetName);
  if (mine.length === 0) continue;
  describe(`fuzz regressions: ${targetName}`, () => {
    const target = createTarget(targetName);
    beforeAll(() => target.start(), 30_000);
    afterAll(() => target.stop(), 30_000);
    for (const regression of mine) {
      const known = regression.meta.knownIssue;
      const title = `${regression.name} (${regression.meta.failures.map((f) => f.kind).join(', ')} when found) no longer fails`;
      const check = async () => expect(await replay(target, regression)).toEqual([]);
      if (known === undefined) it(title, check, 30_000);
      // Expected to fail until the product fix lands; then this test fails and the `knownIssue` mark must go.
      else it.fails(`${title} — KNOWN ISSUE, expected to fail until fixed: ${known}`, check, 30_000);
    }
  });
}
