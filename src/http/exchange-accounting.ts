import type { ServerResponse } from 'node:http';
import { GatewayError } from '../core/index.js';
import type { GatewayServices } from './gateway-services.js';

/**
 * Counts a request in flight until its response closes, then records it in the metrics under its
 * route. 'close' fires once for every response, streams included; `on` rather than `once` spares
 * a wrapper and its removal on every request.
 */
export function countExchange(
  services: Pick<GatewayServices, 'activity' | 'metrics'>,
  response: ServerResponse,
  startedAt: number,
  routeUrl: () => string,
): void {
  services.activity.inFlight++;
  response.on('close', () => {
    services.activity.inFlight--;
    services.metrics.recordAnswered(routeUrl(), response.statusCode, (Date.now() - startedAt) / 1000);
  });
}

/** Headers every response carries (a worker's `x-switchyard-worker`), streams included. */
export function setFixedHeaders(response: ServerResponse, headers: ReadonlyArray<readonly [string, string]>): void {
  for (const [name, value] of headers) response.setHeader(name, value);
}

/** What a request on `/v1/*` gets once shutdown began. */
export function shuttingDownError(): GatewayError {
  return new GatewayError('shutting_down', 'The server is shutting down; retry on another instance.');
}
