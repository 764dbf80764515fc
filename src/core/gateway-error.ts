import { errorCatalogue, type ErrorCode } from './error-catalogue.js';

export interface GatewayErrorDetails {
  /** The request field at fault, when there is one. */
  param?: string | null;
  /** Seconds the client should wait (rate limits); becomes `retry-after`. */
  retryAfterSeconds?: number;
  /** For `model_retired`: the id of the model that replaces it. */
  replacement?: string | null;
  /** For upstream failures: the upstream's HTTP status, when it answered. */
  upstreamStatus?: number;
  /** Overrides the catalogue's answer to "can another channel help?" for this instance. */
  retryElsewhere?: boolean;
  /** Upstream attempts made before this error was given up on (set by failover). */
  attempts?: number;
}

/** An error the gateway answers with: a code from the catalogue and a message safe to show. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: GatewayErrorDetails;

  constructor(code: ErrorCode, message: string, details: GatewayErrorDetails = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = details;
  }

  /** Whether trying the same request on another channel can succeed. */
  get retryElsewhere(): boolean {
    return this.details.retryElsewhere ?? errorCatalogue[this.code].retryElsewhere;
  }

  get openaiType(): string {
    return errorCatalogue[this.code].openaiType;
  }

  get anthropicType(): string {
    return errorCatalogue[this.code].anthropicType;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
