import type { Socket } from 'node:net';

export interface SocketWrites {
  count: number;
}

/**
 * Counts the writes a socket hands to the kernel: an uncorked socket writes through `_write`, a
 * corked one flushes through `_writev` once uncorked.
 */
export function countSocketWrites(socket: Socket): SocketWrites {
  const writes = { count: 0 };
  const internals = socket as unknown as Record<'_write' | '_writev', (...parts: unknown[]) => unknown>;
  for (const name of ['_write', '_writev'] as const) {
    const original = internals[name].bind(socket);
    internals[name] = (...parts: unknown[]) => {
      writes.count += 1;
      return original(...parts);
    };
  }
  return writes;
}
