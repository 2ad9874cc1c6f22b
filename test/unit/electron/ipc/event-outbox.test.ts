import { describe, expect, it } from 'vitest';
import { EventOutbox } from '../../../../electron/ipc/event-outbox';

const notice = (text: string) => ({ level: 'info' as const, text, at: 1 });
const connection = (server: string) => ({ phase: 'idle' as const, server });

describe('event outbox', () => {
  it('queues events until a sink attaches, then delivers them in order, then sends directly', () => {
    const outbox = new EventOutbox();
    const delivered: unknown[] = [];
    outbox.emit('onNotice', notice('first'));
    outbox.emit('onNotice', notice('second'));
    expect(delivered).toEqual([]);

    outbox.attach((channel, payload) => delivered.push([channel, payload]));
    outbox.emit('onNotice', notice('third'));
    expect(delivered).toEqual([
      ['app:notice', notice('first')],
      ['app:notice', notice('second')],
      ['app:notice', notice('third')],
    ]);
  });

  it('queues again after detach and bounds the queue, counting what it dropped', () => {
    const outbox = new EventOutbox();
    outbox.attach(() => undefined);
    outbox.detach();
    for (let i = 0; i < 10_005; i++) outbox.emit('onNotice', notice(String(i)));
    const delivered: string[] = [];
    outbox.attach((_channel, payload) => delivered.push((payload as { text: string }).text));
    expect(delivered).toHaveLength(10_000);
    expect(delivered[0]).toBe('5');
    expect(outbox.droppedCount).toBe(5);
  });

  it('drops state events until the snapshot is taken, then queues them with the notices, in order', () => {
    const outbox = new EventOutbox();
    const delivered: unknown[] = [];
    outbox.emitState('onAccountStateChanged', connection('covered by the snapshot'));
    outbox.emit('onNotice', notice('queued before'));
    outbox.snapshotTaken();
    outbox.emitState('onAccountStateChanged', connection('newer than the snapshot'));
    outbox.emit('onNotice', notice('queued after'));
    expect(delivered).toEqual([]);

    outbox.attach((channel, payload) => delivered.push([channel, payload]));
    outbox.emitState('onAccountStateChanged', connection('sent directly'));
    expect(delivered).toEqual([
      ['app:notice', notice('queued before')],
      ['account:state', connection('newer than the snapshot')],
      ['app:notice', notice('queued after')],
      ['account:state', connection('sent directly')],
    ]);
  });

  it('after detach, drops state events again until the next snapshot', () => {
    const outbox = new EventOutbox();
    outbox.snapshotTaken();
    outbox.attach(() => undefined);
    outbox.detach();
    outbox.emitState('onAccountStateChanged', connection('the next snapshot covers this'));
    const delivered: unknown[] = [];
    outbox.attach((channel, payload) => delivered.push([channel, payload]));
    expect(delivered).toEqual([]);
  });

  it('tells state observers every state event as it is emitted, with or without a renderer, until they unsubscribe', () => {
    const outbox = new EventOutbox();
    const observed: unknown[] = [];
    const stop = outbox.observeState((change) => observed.push(change));
    outbox.emitState('onAccountStateChanged', connection('before any renderer'));
    outbox.emit('onNotice', notice('not state'));
    stop();
    outbox.emitState('onAccountStateChanged', connection('after unsubscribing'));
    expect(observed).toEqual([{ name: 'onAccountStateChanged', payload: connection('before any renderer') }]);
  });
});
