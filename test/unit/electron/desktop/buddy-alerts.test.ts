import { describe, expect, it } from 'vitest';
import { BuddyAlerts } from '../../../../electron/desktop/buddy-alerts';
import type { DesktopNotification } from '../../../../electron/desktop/desktop-notifier';
import type { BuddyAlert } from '../../../../shared/buddy/buddy';

const BOB = 'sip:bob@example.com';
const CAROL = 'sip:carol@example.com';

/** A recording notifier and alerts whose settings the test sets; a once-alert switches itself off as the list would. */
function setUp(initial: Record<string, BuddyAlert>) {
  const shown: DesktopNotification[] = [];
  const settings = new Map(Object.entries(initial));
  const alerts = new BuddyAlerts(
    { show: (notification) => shown.push(notification) },
    {
      alertOf: (aor) => settings.get(aor) ?? 'off',
      nameOf: (aor) => (aor === BOB ? 'Bob' : 'Carol'),
      alertFired: (aor) => settings.set(aor, 'off'),
    },
  );
  return { shown, alerts, settings };
}

describe('availability alerts', () => {
  it('given a once-alert, when Bob turns Available twice, then exactly one notification, whose click shows Bob', () => {
    const { shown, alerts, settings } = setUp({ [BOB]: 'once' });
    alerts.presenceChanged(BOB, 'away');
    alerts.presenceChanged(BOB, 'available');
    alerts.presenceChanged(BOB, 'busy');
    alerts.presenceChanged(BOB, 'available');
    expect(shown).toEqual([
      {
        title: 'Bob is available',
        body: 'Click to show them in the buddy list.',
        onClick: { kind: 'buddy', aor: BOB },
        suppressWhileDoNotDisturb: false,
      },
    ]);
    expect(settings.get(BOB)).toBe('off');
  });

  it('given an every-time alert, then one notification per turn to Available, none while staying Available', () => {
    const { shown, alerts } = setUp({ [BOB]: 'every-time' });
    for (const status of ['offline', 'available', 'available', 'away', 'available'] as const) alerts.presenceChanged(BOB, status);
    expect(shown.map((n) => n.title)).toEqual(['Bob is available', 'Bob is available']);
  });

  it('given no alert, or Bob already Available when first seen, then nothing', () => {
    const { shown, alerts } = setUp({ [CAROL]: 'every-time' });
    alerts.presenceChanged(BOB, 'away');
    alerts.presenceChanged(BOB, 'available');
    alerts.presenceChanged(CAROL, 'available');
    expect(shown).toEqual([]);
  });

  it('given our own Do Not Disturb, then alerts are held and shown as ONE summary when it ends', () => {
    const { shown, alerts, settings } = setUp({ [BOB]: 'once', [CAROL]: 'every-time' });
    alerts.presenceChanged(BOB, 'away');
    alerts.presenceChanged(CAROL, 'away');
    alerts.ownStatusChanged('do-not-disturb');
    alerts.presenceChanged(BOB, 'available');
    alerts.presenceChanged(CAROL, 'available');
    alerts.presenceChanged(CAROL, 'away');
    alerts.presenceChanged(CAROL, 'available');
    alerts.ownStatusChanged('do-not-disturb');
    expect(shown).toEqual([]);
    expect(settings.get(BOB)).toBe('off');
    alerts.ownStatusChanged('available');
    expect(shown).toEqual([
      {
        title: '2 buddies became available',
        body: 'While you were in Do Not Disturb: Bob and Carol.',
        onClick: { kind: 'screen', screen: 'main' },
        suppressWhileDoNotDisturb: false,
      },
    ]);
    alerts.ownStatusChanged('busy');
    expect(shown).toHaveLength(1);
  });

  it("given one alert held during Do Not Disturb, then the summary is that buddy's own alert", () => {
    const { shown, alerts } = setUp({ [BOB]: 'every-time' });
    alerts.presenceChanged(BOB, 'busy');
    alerts.ownStatusChanged('do-not-disturb');
    alerts.presenceChanged(BOB, 'available');
    alerts.ownStatusChanged('away');
    expect(shown.map((n) => [n.title, n.onClick])).toEqual([['Bob is available', { kind: 'buddy', aor: BOB }]]);
  });

  it('given a buddy forgotten, then its last status is gone: its next Available is a first sighting', () => {
    const { shown, alerts } = setUp({ [BOB]: 'every-time' });
    alerts.presenceChanged(BOB, 'away');
    alerts.forget(BOB);
    alerts.presenceChanged(BOB, 'available');
    expect(shown).toEqual([]);
  });
});
