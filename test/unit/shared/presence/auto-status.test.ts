import { describe, expect, it } from 'vitest';
import {
  initialAutoStatus,
  nextAutoStatus,
  nextAutoStatusDeadline,
  shownPresence,
  type AutoStatusEvent,
  type AutoStatusState,
} from '../../../../shared/presence/auto-status';
import type { ChosenStatus } from '../../../../shared/presence/presence-status';

const MINUTE = 60_000;

function run(state: AutoStatusState, ...events: AutoStatusEvent[]): AutoStatusState {
  return events.reduce(nextAutoStatus, state);
}

function startedAs(status: ChosenStatus, note = ''): AutoStatusState {
  return initialAutoStatus({ status, note, at: 0 });
}

describe('automatic status', () => {
  it('given Available with a note, when the user goes idle, then Away is shown unmarked with the note kept and why; back, then Available again', () => {
    const idle = run(startedAs('available', 'At my desk'), { kind: 'idle', since: 5 * MINUTE });
    expect(shownPresence(idle)).toEqual({
      status: 'away',
      note: 'At my desk',
      isManual: false,
      automatic: { reason: 'idle', since: 5 * MINUTE },
    });
    const back = nextAutoStatus(idle, { kind: 'active' });
    expect(shownPresence(back)).toEqual({ status: 'available', note: 'At my desk', isManual: true });
  });

  it('given Available, when the screen locks, then Away for the lock; the lock is the reason even while idle too', () => {
    const locked = run(startedAs('available'), { kind: 'idle', since: MINUTE }, { kind: 'locked', at: 2 * MINUTE });
    expect(shownPresence(locked).automatic).toEqual({ reason: 'locked', since: 2 * MINUTE });
    const unlocked = run(locked, { kind: 'unlocked' }, { kind: 'active' });
    expect(shownPresence(unlocked)).toEqual({ status: 'available', note: '', isManual: true });
  });

  it.each<ChosenStatus>(['away', 'busy', 'do-not-disturb', 'in-a-meeting', 'on-the-phone', 'appear-offline'])(
    'given a manual %s, when idle and locked, then it stays as chosen, marked manual',
    (status) => {
      const state = run(startedAs(status, 'note'), { kind: 'idle', since: MINUTE }, { kind: 'locked', at: MINUTE });
      expect(shownPresence(state)).toEqual({ status, note: 'note', isManual: true });
    },
  );

  it('given an automatic Away, when the user chooses Available by hand, then it ends; only a new idle episode applies again', () => {
    const idle = run(startedAs('available'), { kind: 'idle', since: MINUTE });
    const chosen = nextAutoStatus(idle, { kind: 'chosen', status: 'available', note: 'Here', at: 3 * MINUTE });
    expect(shownPresence(chosen)).toEqual({ status: 'available', note: 'Here', isManual: true });
    // The poll still reports the old episode: it does not count.
    expect(shownPresence(nextAutoStatus(chosen, { kind: 'idle', since: MINUTE }))).toEqual({
      status: 'available',
      note: 'Here',
      isManual: true,
    });
    const again = run(chosen, { kind: 'active' }, { kind: 'idle', since: 4 * MINUTE });
    expect(shownPresence(again).automatic).toEqual({ reason: 'idle', since: 4 * MINUTE });
  });

  it('given a manual choice while automatic, then the choice is shown (Busy by hand over an automatic Away)', () => {
    const state = run(
      startedAs('available'),
      { kind: 'idle', since: MINUTE },
      { kind: 'chosen', status: 'busy', note: '', at: 2 * MINUTE },
    );
    expect(shownPresence(state)).toEqual({ status: 'busy', note: '', isManual: true });
  });

  it('given Busy for an hour chosen over Available, when the hour ends, then Available and its note return; not a moment before', () => {
    const until = 60 * MINUTE;
    const timed = run(startedAs('available', 'Desk'), { kind: 'chosen', status: 'busy', note: 'Focus', until, at: 0 });
    expect(shownPresence(timed)).toEqual({ status: 'busy', note: 'Focus', isManual: true, until });
    expect(nextAutoStatusDeadline(timed)).toBe(until);
    expect(shownPresence(nextAutoStatus(timed, { kind: 'tick', at: until - 1 })).status).toBe('busy');
    const ended = nextAutoStatus(timed, { kind: 'tick', at: until });
    expect(shownPresence(ended)).toEqual({ status: 'available', note: 'Desk', isManual: true });
    expect(nextAutoStatusDeadline(ended)).toBeNull();
  });

  it('given a timed status chosen over a timed one, when it ends, then the last status without an end time returns', () => {
    const state = run(
      startedAs('away', 'Lunch'),
      { kind: 'chosen', status: 'busy', note: '', until: 10 * MINUTE, at: 0 },
      { kind: 'chosen', status: 'in-a-meeting', note: 'Standup', until: 20 * MINUTE, at: MINUTE },
      { kind: 'tick', at: 20 * MINUTE },
    );
    expect(shownPresence(state)).toEqual({ status: 'away', note: 'Lunch', isManual: true });
  });

  it('given a timed status that ended while the user is idle and the one before is Available, then Away for idle', () => {
    const state = run(
      startedAs('available'),
      { kind: 'chosen', status: 'busy', note: '', until: 10 * MINUTE, at: MINUTE },
      { kind: 'idle', since: 2 * MINUTE },
      { kind: 'tick', at: 10 * MINUTE },
    );
    expect(shownPresence(state)).toMatchObject({ status: 'away', isManual: false, automatic: { reason: 'idle' } });
  });

  it('given a timed status restored from disk whose end passed while the app was closed, then the first tick reverts it', () => {
    const restored = initialAutoStatus({ status: 'busy', note: '', until: 5 * MINUTE, at: 0 }, { status: 'away', note: 'Gone', at: 0 });
    expect(shownPresence(nextAutoStatus(restored, { kind: 'tick', at: 50 * MINUTE }))).toEqual({
      status: 'away',
      note: 'Gone',
      isManual: true,
    });
  });
});
