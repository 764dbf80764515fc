import pino, { type Logger } from 'pino';

/**
 * Logs go to stderr (stdout belongs to command output). Credentials are redacted wherever a
 * header object or channel could end up in a log line.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['*.authorization', '*.headers.authorization', '*["x-api-key"]', '*.apiKey', '*.api_key', '*.secret', '*.password'],
        censor: '[redacted]',
      },
    },
    pino.destination({ fd: 2, sync: false }),
  );
}
