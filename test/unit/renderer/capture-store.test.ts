import { describe, expect, it } from 'vitest';
import type { CaptureEntry } from '../../../shared/trace/capture/capture-entry';
import { useTraceStore } from '../../../renderer/src/stores/trace-store';
import { useUiStore } from '../../../renderer/src/stores/ui-store';
import { useCaptureStore } from '../../../renderer/src/trace/capture-store';
import { LIVE_TRACE_SOURCE, useTraceViewStore } from '../../../renderer/src/trace/trace-view-store';

const entry = (seq: number): CaptureEntry => ({
  seq,
  frame: seq * 2,
  at: seq,
  direction: 'in',
  transport: 'tcp',
  local: { address: '192.0.2.10', port: 40000 },
  remote: { address: '192.0.2.1', port: 5060 },
  raw: `NOTIFY sip:a@b SIP/2.0\r\nCall-ID: c\r\nCSeq: ${seq} NOTIFY\r\n\r\n`,
});

describe('capture store', () => {
  it('given progress of a capture opened from the app menu, then it is shown with its own entries and view, and the live trace is untouched', () => {
    const { progressed, finished } = useCaptureStore.getState().actions;
    progressed({ id: 3, name: 'office.pcapng', bytesRead: 100, totalBytes: 400, entries: [entry(1), entry(2)] });
    progressed({ id: 3, name: 'office.pcapng', bytesRead: 400, totalBytes: 400, entries: [entry(3)] });

    const capture = useCaptureStore.getState().capture!;
    expect(capture).toMatchObject({ id: 3, name: 'office.pcapng', bytesRead: 400, totalBytes: 400, status: 'loading' });
    expect(useCaptureStore.getState().isCaptureShown).toBe(true);
    expect(useUiStore.getState().tab).toBe('trace');
    const entries = capture.source.entries.getState();
    expect(entries.buffer.toArray().map((r) => r.entry.seq)).toEqual([1, 2, 3]);
    expect(entries.version).toBe(2);
    expect(capture.source.entries).not.toBe(LIVE_TRACE_SOURCE.entries);
    expect(useTraceStore.getState().buffer.size).toBe(0);

    // The capture's filter is its own.
    capture.source.view.getState().actions.filterChanged({ methods: ['NOTIFY'] });
    expect(useTraceViewStore.getState().filter.methods).toBeNull();

    finished({
      id: 3,
      outcome: 'damaged',
      messages: 3,
      problem: 'office.pcapng stopped being readable at byte 400 (packet 7): the file ends inside a block',
    });
    expect(useCaptureStore.getState().capture).toMatchObject({
      status: 'damaged',
      problem: expect.stringContaining('byte 400 (packet 7)'),
    });
  });

  it('given events of a capture that was replaced, then they change nothing', () => {
    const { progressed, finished } = useCaptureStore.getState().actions;
    progressed({ id: 5, name: 'new.pcap', bytesRead: 0, totalBytes: 10, entries: [] });
    progressed({ id: 4, name: 'old.pcap', bytesRead: 10, totalBytes: 10, entries: [entry(1)] });
    finished({ id: 4, outcome: 'complete', messages: 1, problem: null });
    expect(useCaptureStore.getState().capture).toMatchObject({ id: 5, name: 'new.pcap', status: 'loading' });
    expect(useCaptureStore.getState().capture!.source.entries.getState().buffer.size).toBe(0);
  });
});
