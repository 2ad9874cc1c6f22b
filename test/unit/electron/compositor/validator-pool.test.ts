/**
 * The body validator pool on its own, with a real worker thread (the TypeScript worker through the dev
 * bootstrap): answers, saturation (submit declines so the caller validates inline), and closing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultValidatorThreads, ValidatorPool, type ValidationResult } from '../../../../electron/compositor/esc/validator-pool';

const WORKER = new URL('../../../support/compositor/pidf-validator-worker.dev.mjs', import.meta.url);
const VALID =
  '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@example.com"><tuple id="t"><status><basic>open</basic></status></tuple></presence>';

let pool: ValidatorPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

function validate(target: ValidatorPool, body: string): Promise<ValidationResult | null> {
  return new Promise((resolve, reject) => {
    if (!target.submit(body, 'application/pidf+xml', resolve)) reject(new Error('declined'));
  });
}

describe('defaultValidatorThreads', () => {
  it('given two cores or fewer, then bodies are validated inline; given more, then on one thread', () => {
    expect([1, 2, 3, 16].map((cores) => defaultValidatorThreads(cores))).toEqual([0, 0, 1, 1]);
  });
});

describe('ValidatorPool', () => {
  it('given valid and invalid bodies, when validated on the worker, then each gets its own verdict', async () => {
    pool = new ValidatorPool({ workerFile: WORKER });
    const [good, bad] = await Promise.all([validate(pool, VALID), validate(pool, '<presence')]);
    expect(good).toEqual({ ok: true, entity: 'sip:a@example.com' });
    expect(bad).toMatchObject({ ok: false, code: 'malformed-xml' });
    expect(pool.validatedCount).toBe(2);
  });

  it('given every worker has maxPending jobs, when another is submitted, then submit declines', async () => {
    pool = new ValidatorPool({ workerFile: WORKER, maxPending: 2 });
    const first = validate(pool, VALID);
    const second = validate(pool, VALID);
    expect(pool.submit(VALID, 'application/pidf+xml', () => undefined)).toBe(false);
    await Promise.all([first, second]);
    expect(pool.submit(VALID, 'application/pidf+xml', () => undefined)).toBe(true);
  });

  it('given a body with a job separator, when submitted, then it is declined (left to inline validation)', () => {
    pool = new ValidatorPool({ workerFile: WORKER });
    expect(pool.submit('<x/>\u0002', 'application/pidf+xml', () => undefined)).toBe(false);
  });

  it('given a closed pool, when a body is submitted, then it is declined', async () => {
    pool = new ValidatorPool({ workerFile: WORKER });
    await pool.close();
    expect(pool.isUsable).toBe(false);
    expect(pool.submit(VALID, 'application/pidf+xml', () => undefined)).toBe(false);
  });
});
