import { describe, expect, it } from 'vitest';
import { ClosePolicy, trayExplanation } from '../../../../electron/desktop/close-policy';

const on = { keepRunningInTray: true, hasExplainedTray: false };
const explained = { keepRunningInTray: true, hasExplainedTray: true };
const off = { keepRunningInTray: false, hasExplainedTray: false };

describe('close policy', () => {
  it('on Windows and Linux, closing the window hides it to the tray and explains that the first time only', () => {
    for (const platform of ['win32', 'linux']) {
      const policy = new ClosePolicy(platform);
      expect(policy.windowClosing(on)).toEqual({ kind: 'hide', explain: true });
      expect(policy.windowClosing(explained)).toEqual({ kind: 'hide', explain: false });
    }
  });

  it('with the setting off, closing closes and the last window closed quits, except on macOS', () => {
    const linux = new ClosePolicy('linux');
    expect(linux.windowClosing(off)).toEqual({ kind: 'close' });
    expect(linux.allWindowsClosed()).toBe('quit');
    const mac = new ClosePolicy('darwin');
    expect(mac.windowClosing(off)).toEqual({ kind: 'close' });
    expect(mac.allWindowsClosed()).toBe('stay');
  });

  it('on macOS, closing hides without the notice: the Dock shows the app still runs', () => {
    expect(new ClosePolicy('darwin').windowClosing(on)).toEqual({ kind: 'hide', explain: false });
  });

  it('holds the first quit for the clean shutdown, holds repeated quits while it runs, then lets the quit through', () => {
    const policy = new ClosePolicy('linux');
    expect(policy.isQuitting).toBe(false);
    expect(policy.quitting(true)).toBe('hold-and-shut-down');
    expect(policy.isQuitting).toBe(true);
    expect(policy.quitting(true)).toBe('hold');
    policy.shutDown();
    expect(policy.quitting(true)).toBe('proceed');
  });

  it('lets a quit through at once when there is no service yet', () => {
    const policy = new ClosePolicy('win32');
    expect(policy.quitting(false)).toBe('proceed');
    expect(policy.isQuitting).toBe(true);
  });

  it('once quitting, closing the window closes it, whatever the setting', () => {
    const policy = new ClosePolicy('linux');
    policy.quitting(true);
    expect(policy.windowClosing(on)).toEqual({ kind: 'close' });
  });

  it('explains where Presently went and how to quit', () => {
    expect(trayExplanation('win32').body).toContain('notification area');
    expect(trayExplanation('linux')).toEqual({
      title: 'Presently is still running',
      body: "Your presence stays published while Presently runs in the tray. To quit, choose Quit from its icon's menu.",
    });
  });
});
