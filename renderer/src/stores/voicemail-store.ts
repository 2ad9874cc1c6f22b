/**
 * The account's voicemail summary (the message-summary package, RFC 3842), as main reports it: fed by the snapshot and
 * by `onVoicemailChanged`. What the header shows of it is derived in presence/voicemail-view.ts.
 */
import { create } from 'zustand';
import type { AppSnapshot } from '../../../shared/ipc/contract';
import { VOICEMAIL_OFF, type VoicemailState } from '../../../shared/presence/presence-state';

interface VoicemailStoreState {
  readonly voicemail: VoicemailState;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    voicemailChanged(voicemail: VoicemailState): void;
  };
}

export const useVoicemailStore = create<VoicemailStoreState>()((set) => ({
  voicemail: VOICEMAIL_OFF,
  actions: {
    snapshotReceived: (snapshot) => set({ voicemail: snapshot.voicemail }),
    voicemailChanged: (voicemail) => set({ voicemail }),
  },
}));
