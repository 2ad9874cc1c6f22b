/**
 * The settings' idle threshold as typed: whole minutes from 0 (never Away for idle) to MAX_IDLE_AWAY_MINUTES,
 * with a sentence for anything else. Main checks the number again (shared/ipc/contract.ts's preferencesChange).
 */
import { MAX_IDLE_AWAY_MINUTES } from '../../../shared/ipc/contract';

/** The minutes, or why the text is not a threshold. */
export type IdleThresholdCheck = { readonly ok: true; readonly minutes: number } | { readonly ok: false; readonly message: string };

/** Reads what the user typed into the idle threshold field. */
export function checkIdleThreshold(text: string): IdleThresholdCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter a number of minutes; 0 turns automatic Away off.' };
  if (!/^\d+$/.test(trimmed)) return { ok: false, message: `Enter whole minutes, like 10; 0 turns automatic Away off (not “${trimmed}”).` };
  const minutes = Number(trimmed);
  if (minutes > MAX_IDLE_AWAY_MINUTES)
    return { ok: false, message: `At most ${MAX_IDLE_AWAY_MINUTES} minutes (${MAX_IDLE_AWAY_MINUTES / 60} h).` };
  return { ok: true, minutes };
}
