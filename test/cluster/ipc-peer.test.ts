/**
 * The IPC channel between the primary and a worker, with two peers wired back to back in one
 * process (messages go through JSON as on the real channel).
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/index.js';
import { IpcPeer, PeerGoneError } from '../../src/cluster/ipc-peer.js';

function connectedPair(): { left: IpcPeer; right: IpcPeer; messages: () => number } {
  let count = 0;
  const deliver = (to: () => IpcPeer) => (message: unknown) => {
    count += 1;
    const text = JSON.stringify(message);
    setImmediate(() => to().receive(JSON.parse(text)));
  };
  const left: IpcPeer = new IpcPeer({ send: deliver(() => right) });
  const right: IpcPeer = new IpcPeer({ send: deliver(() => left) });
  return { left, right, messages: () => count };
}

describe('IpcPeer', () => {
  it('answers calls, with or without a promise', async () => {
    const { left, right } = connectedPair();
    right.onCall('double', (payload) => (payload as number) * 2);
    right.onCall('later', async (payload) => `later ${payload as string}`);
    expect(await left.call('double', 21)).toBe(42);
    expect(await left.call('later', 'x')).toBe('later x');
  });

  it('brings a gateway error back as the same gateway error, and anything else as an error', async () => {
    const { left, right } = connectedPair();
    right.onCall('refuse', () => {
      throw new GatewayError('rate_limit_exceeded', 'slow down', { retryAfterSeconds: 7 });
    });
    right.onCall('break', async () => {
      throw new Error('broken');
    });
    const refusal = await left.call('refuse').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GatewayError);
    expect(refusal).toMatchObject({ code: 'rate_limit_exceeded', status: 429, message: 'slow down', details: { retryAfterSeconds: 7 } });
    await expect(left.call('break')).rejects.toThrow('broken');
    await expect(left.call('unknown')).rejects.toThrow('no handler for the call unknown');
  });

  it('sends what one turn queued as one message, in order: a note sent before a call is handled first', async () => {
    const { left, right, messages } = connectedPair();
    const seen: string[] = [];
    right.onNote('note', (payload) => seen.push(`note ${payload as number}`));
    right.onCall('call', () => {
      seen.push('call');
      return seen.length;
    });
    left.notify('note', 1);
    left.notify('note', 2);
    const answer = left.call('call');
    left.notify('note', 3);
    expect(await answer).toBe(3);
    expect(seen).toEqual(['note 1', 'note 2', 'call', 'note 3']);
    // One message there (three notes and a call), one back (the answer).
    expect(messages()).toBe(2);
  });

  it('fails the calls waiting for a peer that went away, and later ones at once', async () => {
    const { left, right } = connectedPair();
    right.onCall('never', () => new Promise(() => undefined));
    const waiting = left.call('never');
    await new Promise((resolve) => setTimeout(resolve, 5));
    left.close('the worker process ended');
    await expect(waiting).rejects.toBeInstanceOf(PeerGoneError);
    await expect(left.call('never')).rejects.toThrow('the worker process ended');
  });

  it('ignores messages that are not its own', () => {
    const { left } = connectedPair();
    expect(() => left.receive({ cmd: 'NODE_CLUSTER' })).not.toThrow();
    expect(() => left.receive(null)).not.toThrow();
  });
});
