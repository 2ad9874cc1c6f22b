import { describe, expect, it } from 'vitest';
import type { AccountState, PublicationState } from '../../../../shared/presence/presence-state';
import type { SelfPresence, SessionInfo } from '../../../../shared/ipc/contract';
import {
  menuLabel,
  performTrayAction,
  trayIconFile,
  trayIconStatus,
  trayMenu,
  trayTooltip,
  type TrayHost,
  type TrayMenuItem,
  type TrayState,
} from '../../../../electron/desktop/tray-menu';

const session: SessionInfo = { mode: 'account', account: null, demo: null, isPasswordStorePersistent: true };
const registered: AccountState = { phase: 'registered', server: 'sip:pbx.example.com' };
const published: PublicationState = { phase: 'published', status: 'busy', note: 'In a workshop', etag: 'e1' };
const self: SelfPresence = {
  status: 'busy',
  note: 'In a workshop',
  publication: published,
  recentNotes: ['In a workshop', 'Lunch & errands'],
};
const state = (change: Partial<TrayState> = {}): TrayState => ({ session, accountState: registered, self, ...change });

const items = (menu: TrayMenuItem[]) => menu.filter((item) => item.kind === 'item');
const labels = (menu: TrayMenuItem[]) => menu.map((item) => (item.kind === 'separator' ? '—' : item.label));

describe('tray menu model', () => {
  it('given a signed-in account, lists the seven statuses as radios with the current one checked, then the note items, Open and Quit', () => {
    const menu = trayMenu(state());
    expect(labels(menu)).toEqual([
      'Available',
      'Away',
      'Busy',
      'Do not disturb',
      'On the phone',
      'In a meeting',
      'Appear offline',
      '—',
      'Set a note…',
      'In a workshop',
      'Lunch & errands',
      '—',
      'Open Presently',
      'Quit Presently',
    ]);
    const statuses = items(menu).filter((item) => item.type === 'radio');
    expect(statuses).toHaveLength(7);
    expect(statuses.filter((item) => item.checked).map((item) => item.label)).toEqual(['Busy']);
    expect(items(menu).every((item) => item.enabled && item.reason === undefined)).toBe(true);
  });

  it('keeps the note when a status is chosen, and keeps the status when a recent note is chosen', () => {
    const menu = items(trayMenu(state()));
    expect(menu.find((item) => item.label === 'Away')?.action).toEqual({ kind: 'set-status', status: 'away', note: 'In a workshop' });
    expect(menu.find((item) => item.label === 'Lunch & errands')?.action).toEqual({
      kind: 'set-status',
      status: 'busy',
      note: 'Lunch & errands',
    });
    expect(menu.find((item) => item.label === 'Set a note…')?.action).toEqual({ kind: 'show-screen', screen: 'status-picker' });
    expect(menu.find((item) => item.label === 'Quit Presently')?.action).toEqual({ kind: 'quit' });
  });

  it('given the sign-in failed, disables statuses and notes with the reason and says it on top; Open, Set a note and Quit stay enabled', () => {
    const failed: AccountState = {
      phase: 'failed',
      server: 'sip:pbx.example.com',
      problem: { message: 'The server rejected the password (403 Forbidden).', statusCode: 403 },
    };
    const menu = trayMenu(state({ accountState: failed }));
    const reason = 'Not signed in: The server rejected the password (403 Forbidden).';
    expect(menu[0]).toEqual({ kind: 'info', label: reason });
    const choices = items(menu).filter((item) => item.action.kind === 'set-status');
    expect(choices).toHaveLength(9);
    expect(choices.every((item) => !item.enabled && item.reason === reason)).toBe(true);
    const always = items(menu).filter((item) => item.action.kind !== 'set-status');
    expect(always.map((item) => [item.label, item.enabled])).toEqual([
      ['Set a note…', true],
      ['Open Presently', true],
      ['Quit Presently', true],
    ]);
  });

  it('names the reason for each way of not being signed in', () => {
    expect(trayMenu(state({ accountState: { phase: 'registering', server: 's' } }))[0]).toEqual({ kind: 'info', label: 'Signing in…' });
    expect(trayMenu(state({ accountState: { phase: 'stopped', server: 's' } }))[0]).toEqual({ kind: 'info', label: 'Not signed in' });
    expect(trayMenu(state({ session: { ...session, mode: 'offline' }, accountState: { phase: 'idle', server: '' } }))[0]).toEqual({
      kind: 'info',
      label: 'No account: open Presently to add one',
    });
  });

  it('counts a connection without registration as signed in', () => {
    expect(trayMenu(state({ accountState: { phase: 'connected', server: 's' } }))[0]).toMatchObject({
      kind: 'item',
      label: 'Available',
      enabled: true,
    });
  });
});

describe('tray icon and tooltip', () => {
  it('shows the published status, the chosen one while a live publication is refreshed, offline otherwise', () => {
    expect(trayIconStatus(state())).toBe('busy');
    expect(trayIconStatus(state({ self: { ...self, publication: { phase: 'publishing', status: 'away', etag: 'e1' } } }))).toBe('away');
    expect(trayIconStatus(state({ self: { ...self, publication: { phase: 'publishing', status: 'away' } } }))).toBe('offline');
    expect(
      trayIconStatus(
        state({ self: { ...self, publication: { phase: 'failed', status: 'busy', problem: { message: 'x', statusCode: 403 } } } }),
      ),
    ).toBe('offline');
    expect(trayIconStatus(state({ accountState: { phase: 'failed', server: 's' } }))).toBe('offline');
    expect(
      trayIconStatus(state({ self: { ...self, status: 'appear-offline', publication: { phase: 'published', status: 'appear-offline' } } })),
    ).toBe('appear-offline');
  });

  it('uses template images on macOS and coloured ones elsewhere', () => {
    expect(trayIconFile('busy', 'darwin')).toBe('tray-busyTemplate.png');
    expect(trayIconFile('busy', 'linux')).toBe('tray-busy.png');
    expect(trayIconFile('offline', 'win32')).toBe('tray-offline.png');
  });

  it('says status and note, or why nothing is published', () => {
    expect(trayTooltip(state())).toBe('Presently — Busy: In a workshop');
    expect(trayTooltip(state({ self: { ...self, note: '' } }))).toBe('Presently — Busy');
    expect(trayTooltip(state({ accountState: { phase: 'connecting', server: 's' } }))).toBe('Presently — Signing in…');
    const refused: PublicationState = {
      phase: 'failed',
      problem: { message: 'The server does not accept presence publications (489 Bad Event).', statusCode: 489 },
    };
    expect(trayTooltip(state({ self: { ...self, publication: refused } }))).toBe(
      'Presently — Busy: In a workshop (not published: The server does not accept presence publications (489 Bad Event).)',
    );
  });

  it('cuts long notes in the menu', () => {
    const long = 'x'.repeat(60);
    const menu = items(trayMenu(state({ self: { ...self, recentNotes: [long] } })));
    const noteItem = menu.find((item) => item.action.kind === 'set-status' && item.action.note === long);
    expect(noteItem?.label).toBe(`${'x'.repeat(39)}…`);
  });

  it('doubles & in labels where it marks a mnemonic', () => {
    expect(menuLabel('Lunch & errands', 'linux')).toBe('Lunch && errands');
    expect(menuLabel('Lunch & errands', 'win32')).toBe('Lunch && errands');
    expect(menuLabel('Lunch & errands', 'darwin')).toBe('Lunch & errands');
  });
});

describe('tray actions', () => {
  const host = () => {
    const calls: unknown[] = [];
    const fake: TrayHost = {
      setStatus: (choice) => {
        calls.push(['setStatus', choice]);
        return Promise.reject(new Error('refused'));
      },
      showScreen: (screen) => calls.push(['showScreen', screen]),
      quit: () => calls.push(['quit']),
    };
    return { calls, fake };
  };

  it('sets the status, shows a screen or quits', () => {
    const { calls, fake } = host();
    performTrayAction({ kind: 'set-status', status: 'away', note: 'Lunch' }, fake);
    performTrayAction({ kind: 'show-screen', screen: 'status-picker' }, fake);
    performTrayAction({ kind: 'quit' }, fake);
    expect(calls).toEqual([['setStatus', { status: 'away', note: 'Lunch' }], ['showScreen', 'status-picker'], ['quit']]);
  });
});
