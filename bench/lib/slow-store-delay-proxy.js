// A TCP proxy that slows a database down without touching it: every chunk, in each direction,
// is forwarded `delayMs` after it arrived (in order), and in "stall" every byte is held until the
// stall ends. Connections and bytes are never dropped, so the client sees a slow or frozen server,
// not a failing one.
import net from 'node:net';

/** Above this many held bytes in one direction, reading from that side pauses. */
const HIGH_WATER_BYTES = 16 * 1024 * 1024;

/**
 * One direction of one connection: chunks from `source`, written to `target` when due.
 */
class DelayedDirection {
  /**
   * @param {net.Socket} source
   * @param {net.Socket} target
   * @param {{ delayMs: () => number, stalled: () => boolean, onHeldBytes: (bytes: number) => void }} control
   */
  constructor(source, target, control) {
    this.source = source;
    this.target = target;
    this.control = control;
    /** @type {Array<{ chunk: Buffer, dueAt: number }>} */
    this.queue = [];
    this.heldBytes = 0;
    this.timer = null;
    this.ended = false;
    source.on('data', (chunk) => {
      this.queue.push({ chunk, dueAt: Date.now() + control.delayMs() });
      this.heldBytes += chunk.length;
      control.onHeldBytes(this.heldBytes);
      if (this.heldBytes > HIGH_WATER_BYTES) source.pause();
      this.pump();
    });
    source.on('end', () => {
      this.ended = true;
      this.pump();
    });
  }

  pump() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.control.stalled() || this.target.destroyed) return;
    const now = Date.now();
    while (this.queue.length > 0 && this.queue[0].dueAt <= now) {
      const { chunk } = /** @type {{ chunk: Buffer }} */ (this.queue.shift());
      this.heldBytes -= chunk.length;
      this.target.write(chunk);
    }
    if (this.queue.length > 0) {
      this.timer = setTimeout(() => this.pump(), this.queue[0].dueAt - now);
    } else if (this.ended) {
      this.target.end();
    }
    if (this.heldBytes <= HIGH_WATER_BYTES / 2 && this.source.isPaused()) this.source.resume();
  }

  dispose() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.heldBytes = 0;
  }
}

/**
 * @param {{ targetHost: string, targetPort: number }} options
 */
export function createDelayProxy(options) {
  let delayMs = 0;
  let stalled = false;
  /** @type {Set<DelayedDirection>} */
  const directions = new Set();
  const stats = { connectionsOpened: 0, connectionsOpen: 0, maxHeldBytes: 0, stalls: 0 };

  const control = {
    delayMs: () => delayMs,
    stalled: () => stalled,
    onHeldBytes: (bytes) => {
      if (bytes > stats.maxHeldBytes) stats.maxHeldBytes = bytes;
    },
  };

  const server = net.createServer((client) => {
    stats.connectionsOpened += 1;
    stats.connectionsOpen += 1;
    const upstream = net.connect(options.targetPort, options.targetHost);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const towardServer = new DelayedDirection(client, upstream, control);
    const towardClient = new DelayedDirection(upstream, client, control);
    directions.add(towardServer);
    directions.add(towardClient);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      stats.connectionsOpen -= 1;
      towardServer.dispose();
      towardClient.dispose();
      directions.delete(towardServer);
      directions.delete(towardClient);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  });

  return {
    server,
    /** Forwards each chunk `milliseconds` after it arrived (applies to chunks arriving from now on). */
    setDelay(milliseconds) {
      delayMs = Math.max(0, milliseconds);
    },
    /** Holds every byte in both directions until `resume`. */
    stall() {
      if (!stalled) stats.stalls += 1;
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const direction of directions) direction.pump();
    },
    stats() {
      let heldBytes = 0;
      for (const direction of directions) heldBytes += direction.heldBytes;
      return { ...stats, delayMs, stalled, heldBytes };
    },
  };
}
