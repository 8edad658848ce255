import { describe, expect, it } from 'vitest';
import { createServiceLogger, emitLog, toServiceLogger } from '../../src/io/service-logger.ts';
import { registerSecret } from '../../src/secrets/redact.ts';
import { captureLines } from '../app/capture-lines.ts';

describe('service logger', () => {
  it('writes an event as one JSON line with its name, level, message and redacted fields', () => {
    const secret = 'tok-service-logger-0123456789';
    registerSecret(secret);
    const out = captureLines();
    const logger = createServiceLogger('test', 'info', out);
    logger.event(
      'run.end',
      { target: 't', nested: { failure: `dial failed with ${secret}` }, event: 'overridden' },
      { level: 'warn', msg: `run failed: ${secret}` },
    );
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).not.toContain(secret);
    const [line] = out.records();
    expect(line).toMatchObject({
      level: 40,
      name: 'meshpeer-test',
      event: 'run.end',
      target: 't',
      nested: { failure: 'dial failed with [redacted]' },
      msg: 'run failed: [redacted]',
    });
  });

  it('keeps the line sinks and honours the level', () => {
    const out = captureLines();
    const logger = createServiceLogger('test', 'info', out);
    logger.info('hello Bearer abcdefghijklmnop');
    logger.debug('not shown at info');
    logger.event('plan.pr', { result: 'planned' }, { level: 'debug' });
    expect(out.records()).toEqual([expect.objectContaining({ level: 30, msg: 'hello Bearer [redacted]' })]);
  });

  it('turns events into `name {json}` lines for a plain line sink, redacted like any line', () => {
    const lines: string[] = [];
    const logger = toServiceLogger((l) => lines.push(l));
    emitLog(logger.event, { name: 'webhook', fields: { decision: 'accepted', token: 'abc' }, options: {} });
    logger.info('plain');
    expect(lines).toEqual(['webhook {"decision":"accepted","token":"[redacted]"}', 'plain']);
  });
});
