/**
 * The service's structured log: JSON lines through pino (level from LOG_LEVEL, default info),
 * every message passed through the redaction helper first, so no token reaches a log.
 */
import { pino } from 'pino';
import { redact } from '../secrets/redact.ts';

/** A log line sink for components that only need `(line) => void`. */
export type LogLine = (line: string) => void;

/** A pino logger writing JSON to stderr, and the redacting line sink on top of it. */
export function createServiceLogger(
  component: string,
  level = process.env.LOG_LEVEL ?? 'info',
): { info: LogLine; debug: LogLine; warn: LogLine } {
  const logger = pino(
    { name: `meshpeer-${component}`, level, base: { pid: process.pid } },
    pino.destination(2),
  );
  return {
    info: (line) => logger.info(redact(line)),
    debug: (line) => logger.debug(redact(line)),
    warn: (line) => logger.warn(redact(line)),
  };
}
