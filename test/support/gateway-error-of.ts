import { expect } from 'vitest';
import { GatewayError } from '../../src/core/index.js';

/** The `GatewayError` a call rejected with; fails the test when it resolved or failed otherwise. */
export async function gatewayErrorOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a rejection');
}
