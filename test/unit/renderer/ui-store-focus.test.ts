import { describe, expect, it } from 'vitest';
import { useUiStore } from '../../../renderer/src/stores/ui-store';

describe('ui store: focus requests from main', () => {
  it('opens the status picker or the settings, closes dialogs for the main window, and shows the buddy list for a buddy', () => {
    const { actions } = useUiStore.getState();
    actions.focusRequested({ kind: 'screen', screen: 'status-picker' });
    expect(useUiStore.getState().dialog).toEqual({ kind: 'status' });
    actions.focusRequested({ kind: 'screen', screen: 'settings' });
    expect(useUiStore.getState().dialog).toEqual({ kind: 'settings' });
    actions.focusRequested({ kind: 'screen', screen: 'main' });
    expect(useUiStore.getState().dialog).toBeNull();
    actions.tabSelected('trace');
    actions.dialogOpened({ kind: 'settings' });
    actions.focusRequested({ kind: 'buddy', aor: 'sip:bob@example.com' });
    expect(useUiStore.getState()).toMatchObject({ tab: 'buddies', dialog: null });
  });
});
