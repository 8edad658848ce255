/**
 * The service's structured log: JSON lines through pino (level from LOG_LEVEL, default info),
 * every message and every field passed through the redaction helper first, so no token reaches
 * a log.
 */
import { type DestinationStream, pino } from 'pino';
import { redact, redactValue } from '../secrets/redact.ts';

/** A log line sink for components that only need `(line) => void`. */
export type LogLine = (line: string) => void;

/** How loud a structured event is; failures and refusals are `warn`, the rest `info`. */
export type EventLevel = 'debug' | 'info' | 'warn' | 'error';

/** Level and human-readable message of a structured event (the message defaults to its name). */
export interface EventOptions {
  readonly level?: EventLevel;
  readonly msg?: string;
}

/**
 * A structured event sink: one JSON line with `event: name` and the (redacted) fields at the top
 * level, e.g. `{"event":"run.end","target":"t","runId":"r1","result":"failed",...}`.
 */
export type LogEvent = (
  name: string,
  fields: Readonly<Record<string, unknown>>,
  options?: EventOptions,
) => void;

/** One structured event ready for a `LogEvent` sink: its name, fields, level and message. */
export interface LogRecord {
  readonly name: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly options: EventOptions;
}

/** Writes a built event to a sink, when there is one. */
export function emitLog(events: LogEvent | undefined, record: LogRecord): void {
  events?.(record.name, record.fields, record.options);
}

/** The service logger: redacting line sinks for existing callers and the structured event sink. */
export interface ServiceLogger {
  readonly info: LogLine;
  readonly debug: LogLine;
  readonly warn: LogLine;
  readonly event: LogEvent;
}

/**
 * A pino logger writing JSON to stderr (or to `destination`, which tests use to capture lines),
 * and the redacting sinks on top of it.
 */
export function createServiceLogger(
  component: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination: DestinationStream = pino.destination(2),
): ServiceLogger {
  const logger = pino({ name: `meshpeer-${component}`, level, base: { pid: process.pid } }, destination);
  return {
    info: (line) => logger.info(redact(line)),
    debug: (line) => logger.debug(redact(line)),
    warn: (line) => logger.warn(redact(line)),
    event: (name, fields, options = {}) =>
      // `event` last, so no field can rename the event.
      logger[options.level ?? 'info']({ ...redactValue(fields), event: name }, redact(options.msg ?? name)),
  };
}

/**
 * An event sink over a plain line sink (tests and embedders that pass `(line) => void`): one line
 * `name {json}` per event, redacted like every other line.
 */
export function lineEvents(line: LogLine): LogEvent {
  return (name, fields) => line(`${name} ${JSON.stringify(redactValue(fields))}`);
}

/** A full service logger from either a line sink or a service logger. */
export function toServiceLogger(log: LogLine | ServiceLogger): ServiceLogger {
  if (typeof log !== 'function') return log;
  const line: LogLine = (text) => log(redact(text));
  return { info: line, debug: () => {}, warn: line, event: lineEvents(line) };
}
