import { describe, expect, it } from 'vitest';
import type { AccountPhase, AccountState } from '../../../../shared/presence/presence-state';
import type { ChosenStatus } from '../../../../shared/presence/presence-status';
import { ConnectionNotifications } from '../../../../electron/desktop/connection-notifications';
import type { Scheduler } from '../../../../electron/deadline';
import { respectingDoNotDisturb, type DesktopNotification, type DesktopNotifier } from '../../../../electron/desktop/desktop-notifier';

/** A scheduler whose clock the test moves. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; run: () => void }[] = [];
  const schedule: Scheduler = (run, ms) => {
    const timer = { at: now + ms, run };
    timers.push(timer);
    return () => (timers = timers.filter((t) => t !== timer));
  };
  const advance = (ms: number) => {
    now += ms;
    const due = timers.filter((t) => t.at <= now);
    timers = timers.filter((t) => t.at > now);
    for (const timer of due) timer.run();
  };
  return { schedule, advance };
}

function setup() {
  const shown: DesktopNotification[] = [];
  const notifier: DesktopNotifier = { show: (n) => shown.push(n) };
  const clock = fakeClock();
  const alerts = new ConnectionNotifications(notifier, clock.schedule, 10_000);
  const account = (phase: AccountPhase, message?: string) => {
    const state: AccountState = {
      phase,
      server: 'sip:pbx.example.com',
      ...(message ? { problem: { message, cause: 'connection-lost' as const } } : {}),
    };
    alerts.accountStateChanged(state);
  };
  return { shown, clock, alerts, account, titles: () => shown.map((n) => n.title) };
}

describe('connection notifications', () => {
  it('given a signed-in account, when the link stays down past the settle time, then one "lost" with the reason, and one "restored" once it stays up', () => {
    const { shown, clock, account, titles } = setup();
    account('connecting');
    account('registered');
    account('failed', 'The connection to the server was lost.');
    clock.advance(9_999);
    expect(shown).toEqual([]);
    clock.advance(1);
    expect(shown).toEqual([
      {
        title: 'Presently lost its connection',
        body: 'The connection to the server was lost. Presently keeps trying to reconnect.',
        onClick: { kind: 'screen', screen: 'main' },
        suppressWhileDoNotDisturb: false,
      },
    ]);
    account('connecting');
    account('registering');
    account('registered');
    clock.advance(10_000);
    expect(titles()).toEqual(['Presently lost its connection', 'Presently is connected again']);
    expect(shown[1]).toMatchObject({ body: 'Signed in again with sip:pbx.example.com.', suppressWhileDoNotDisturb: true });
  });

  it('shows nothing for a blip shorter than the settle time', () => {
    const { shown, clock, account } = setup();
    account('registered');
    account('failed', 'lost');
    clock.advance(5_000);
    account('registered');
    clock.advance(60_000);
    expect(shown).toEqual([]);
  });

  it('given a link flapping during an outage, then one "lost" and, only once it stays up, one "restored"', () => {
    const { clock, account, titles } = setup();
    account('registered');
    account('failed', 'lost');
    clock.advance(10_000);
    for (let i = 0; i < 5; i++) {
      account('registered');
      clock.advance(3_000);
      account('failed', 'lost');
      clock.advance(3_000);
    }
    expect(titles()).toEqual(['Presently lost its connection']);
    account('registered');
    clock.advance(10_000);
    expect(titles()).toEqual(['Presently lost its connection', 'Presently is connected again']);
  });

  it('says nothing when the first sign-in fails: that was never a connection to lose', () => {
    const { shown, clock, account } = setup();
    account('connecting');
    account('failed', 'unreachable');
    clock.advance(60_000);
    expect(shown).toEqual([]);
  });

  it('says nothing when a session stops on purpose, and the next session starts afresh', () => {
    const { shown, clock, account } = setup();
    account('registered');
    account('failed', 'lost');
    account('stopped');
    clock.advance(60_000);
    account('connecting');
    account('failed', 'unreachable');
    clock.advance(60_000);
    expect(shown).toEqual([]);
  });

  it('cancels a pending notification on dispose', () => {
    const { shown, clock, alerts, account } = setup();
    account('registered');
    account('failed', 'lost');
    alerts.dispose();
    clock.advance(60_000);
    expect(shown).toEqual([]);
  });
});

describe('publication refused notifications', () => {
  it('tells the server reason once per refusal, again only after a publication succeeded', () => {
    const { shown, alerts } = setup();
    const refused = {
      phase: 'failed' as const,
      status: 'busy' as const,
      problem: { message: 'The server refused the publication (403 Forbidden).', statusCode: 403 },
    };
    alerts.publicationChanged({ phase: 'publishing', status: 'busy' });
    alerts.publicationChanged(refused);
    alerts.publicationChanged({ phase: 'publishing', status: 'busy' });
    alerts.publicationChanged(refused);
    expect(shown).toEqual([
      {
        title: 'Your status was not published',
        body: 'The server refused the publication (403 Forbidden).',
        onClick: { kind: 'screen', screen: 'status-picker' },
        suppressWhileDoNotDisturb: false,
      },
    ]);
    alerts.publicationChanged({ phase: 'published', status: 'busy' });
    alerts.publicationChanged({
      phase: 'unsupported',
      problem: { message: 'The server does not accept presence publications (489 Bad Event).', statusCode: 489 },
    });
    expect(shown.map((n) => n.body)).toEqual([
      'The server refused the publication (403 Forbidden).',
      'The server does not accept presence publications (489 Bad Event).',
    ]);
  });

  it('leaves failures without a server answer to the connection notices', () => {
    const { shown, alerts } = setup();
    alerts.publicationChanged({ phase: 'failed', problem: { message: 'No answer.', cause: 'timeout' } });
    expect(shown).toEqual([]);
  });
});

describe('Do Not Disturb', () => {
  it('drops notifications that ask for it while the status is Do Not Disturb, and shows the others', () => {
    const shown: string[] = [];
    let status: ChosenStatus = 'do-not-disturb';
    const notifier = respectingDoNotDisturb({ show: (n) => shown.push(n.title) }, () => status);
    const note = (title: string, suppressWhileDoNotDisturb: boolean): DesktopNotification => ({
      title,
      body: '',
      onClick: { kind: 'buddy', aor: 'sip:bob@example.com' },
      suppressWhileDoNotDisturb,
    });
    notifier.show(note('held back', true));
    notifier.show(note('important', false));
    status = 'busy';
    notifier.show(note('shown when busy', true));
    expect(shown).toEqual(['important', 'shown when busy']);
  });
});
