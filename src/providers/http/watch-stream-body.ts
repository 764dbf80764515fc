import type { Dispatcher } from 'undici';

type StreamBody = Dispatcher.ResponseData['body'];

export interface StreamBodyWatch {
  /** Resolves once the body's first bytes (or its end) are there; rejects when it fails before. */
  firstByte: Promise<void>;
  /** Stops the idle deadline (the exchange is over). */
  stop(): void;
}

/**
 * Watches a streamed body arrive without reading it: its first bytes, then the silences between
 * chunks. The consumer still reads the body as usual (an async iterator), and sees every byte.
 *
 * Silence is measured where bytes arrive from the socket (each `push`), not where they are read,
 * so a reasoning model that thinks before its first byte is judged by the first-byte deadline
 * alone, and the idle deadline starts only once the stream has begun.
 */
export function watchStreamBody(body: StreamBody, idleMs: number, onIdle: () => void): StreamBodyWatch {
  let idleTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  // A failure is read by the consumer; without a listener one in between would crash the process.
  body.on('error', ignore);
  if (idleMs > 0) {
    const push = body.push;
    body.push = function pushAndNoteArrival(this: StreamBody, chunk: unknown, encoding?: BufferEncoding): boolean {
      idleTimer?.refresh();
      return push.call(this, chunk, encoding);
    };
  }
  const firstByte = new Promise<void>((resolve, reject) => {
    const settle = (error?: unknown): void => {
      body.off('readable', onReadable);
      body.off('error', onError);
      body.off('close', onClose);
      if (error !== undefined) return reject(error);
      if (idleMs > 0 && !stopped) idleTimer = setTimeout(onIdle, idleMs);
      resolve();
    };
    const onReadable = (): void => settle();
    const onError = (error: unknown): void => settle(error);
    const onClose = (): void => settle(body.errored ?? new Error('the upstream closed the stream before its first byte'));
    body.on('readable', onReadable);
    body.on('error', onError);
    body.on('close', onClose);
  });
  return {
    firstByte,
    stop() {
      stopped = true;
      clearTimeout(idleTimer);
    },
  };
}

function ignore(): void {}
