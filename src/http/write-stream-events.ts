/**
 * Moves a stream's canonical events to the client: each encoded by the dialect, written with
 * back-pressure, until the events end, the client leaves, or an error event has been written.
 * Resolves with whether the stream failed (an error event went out); rejects when encoding (or the
 * meter watching the events) throws, the upstream cut.
 *
 * Events are pushed where the source can push (`StreamEventPushSource`), else pulled with
 * `for await`. Pulling costs a chain of promises per event, and each open stream keeps the
 * pending ones between two events: with thousands of streams open, every young collection copied
 * them all.
 */
import {
  canPushStreamEvents,
  type StreamEvent,
  type StreamEventPush,
  type StreamEventPushSource,
  type StreamEventSink,
} from '../core/index.js';
import type { SseWriter } from './sse-writer.js';

/** What of a dialect's encoder this needs: frames for an event. */
export interface StreamEventFrames {
  encode(event: StreamEvent): string;
}

export function writeStreamEvents(events: AsyncIterable<StreamEvent>, writer: SseWriter, encoder: StreamEventFrames): Promise<boolean> {
  return canPushStreamEvents(events) ? pushEvents(events, writer, encoder) : pullEvents(events, writer, encoder);
}

async function pullEvents(events: AsyncIterable<StreamEvent>, writer: SseWriter, encoder: StreamEventFrames): Promise<boolean> {
  for await (const event of events) {
    if (writer.isClosed) return false;
    await writer.write(encoder.encode(event));
    if (event.type === 'error') return true;
  }
  return false;
}

function pushEvents(source: StreamEventPushSource, writer: SseWriter, encoder: StreamEventFrames): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    let settled = false;
    // Set before any event arrives: `pushTo` never delivers from within itself.
    let push: StreamEventPush | undefined;
    const finish = (failed: boolean) => {
      if (settled) return;
      settled = true;
      resolve(failed);
    };
    const stop = (failed: boolean) => {
      push?.stop();
      finish(failed);
    };
    const resumeOnceDrained = () => {
      if (settled) return;
      if (writer.isClosed) stop(false);
      else push?.resume();
    };
    const sink: StreamEventSink = {
      event: (event) => {
        if (settled) return false;
        if (writer.isClosed) {
          stop(false);
          return false;
        }
        // Should encoding throw, the source stops and calls `fail`.
        const flowing = writer.writeNow(encoder.encode(event));
        if (event.type === 'error') {
          stop(true);
          return false;
        }
        if (flowing) return true;
        void writer.whenDrained().then(resumeOnceDrained);
        return false;
      },
      end: () => {
        writer.holdUntilEnd();
        finish(false);
      },
      fail: (error) => {
        if (settled) return;
        settled = true;
        reject(error);
      },
      flush: () => writer.flush(),
    };
    push = source.pushTo(sink);
  });
}
