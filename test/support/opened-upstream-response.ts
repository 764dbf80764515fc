import type { PassThrough } from 'node:stream';
import { GatewayError } from '../../src/core/index.js';
import type { OpenedUpstreamResponse, UpstreamBody } from '../../src/providers/http/index.js';

/** An opened 200 response whose body is `body`, as stream readers take it; `disposed` tells whether they let it go. */
export function openedOver(body: PassThrough, options: { callerAborted?: () => boolean } = {}): OpenedUpstreamResponse & { disposed: () => boolean } {
  let disposed = false;
  return {
    status: 200,
    headers: {},
    body: body as unknown as UpstreamBody,
    isCallerAborted: options.callerAborted ?? (() => false),
    mapFailure: () => new GatewayError('upstream_error', 'mapped failure'),
    dispose: () => {
      disposed = true;
    },
    disposed: () => disposed,
  };
}
