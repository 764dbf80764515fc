import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../core/index.js';

/**
 * Request bodies are JSON whatever the content type says (`curl -d` sends form-urlencoded by
 * default); an empty body is no body.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJsonError();
  }
}

export function invalidJsonError(): GatewayError {
  return new GatewayError('invalid_request', 'The request body is not valid JSON.');
}

export function bodyTooLargeError(): GatewayError {
  return new GatewayError('request_too_large', 'The request body is larger than this server accepts.');
}

export function unreadableBodyError(): GatewayError {
  return new GatewayError('invalid_request', 'The request could not be read.');
}

/**
 * Reads a request's body as Fastify's string body parser does, for the routes served without it:
 * none is read when the request declares no content type and no body; a declared or received
 * length over `limitBytes` fails at once, and a received length other than the declared one, or
 * a broken connection, fails as unreadable. The text is decoded once, whole.
 */
export function readRequestBody(
  request: IncomingMessage,
  limitBytes: number,
  done: (error: GatewayError | null, text: string | undefined) => void,
): void {
  const headers = request.headers;
  const declaredLength = headers['content-length'];
  if (
    headers['content-type'] === undefined &&
    headers['transfer-encoding'] === undefined &&
    (declaredLength === undefined || declaredLength === '0')
  ) {
    done(null, undefined);
    return;
  }
  const expectedLength = Number(declaredLength);
  if (expectedLength > limitBytes) {
    done(bodyTooLargeError(), undefined);
    return;
  }
  let receivedLength = 0;
  const chunks: Buffer[] = [];
  const detach = () => {
    request.removeListener('data', onData);
    request.removeListener('end', onEnd);
    request.removeListener('error', onEnd);
  };
  function onData(chunk: Buffer): void {
    receivedLength += chunk.length;
    if (receivedLength > limitBytes) {
      detach();
      done(bodyTooLargeError(), undefined);
      return;
    }
    chunks.push(chunk);
  }
  function onEnd(error?: Error): void {
    detach();
    if (error != null || (!Number.isNaN(expectedLength) && receivedLength !== expectedLength)) {
      done(unreadableBodyError(), undefined);
      return;
    }
    done(null, chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, receivedLength).toString('utf8'));
  }
  request.on('data', onData);
  request.on('end', onEnd);
  request.on('error', onEnd);
}
