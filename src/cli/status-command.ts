/** `meshpeer status`: the last runs and each peering's health from its latest verification. */
import { Command, Option } from 'commander';
import { clientConnection } from '../run/queues.ts';
import { RedisRunStore } from '../run/redis-run-store.ts';
import type { RunRecord } from '../run/run-record.ts';
import { colorEnabled, out, outJson, paint, parseOutput } from './output.ts';

/** The newest verification result per peering across the given runs (newest first). */
export function peeringHealth(
  runs: readonly RunRecord[],
): Array<{ peering: string; healthy: boolean; detail: string; run: string; at: string }> {
  const seen = new Map<
    string,
    { peering: string; healthy: boolean; detail: string; run: string; at: string }
  >();
  for (const run of runs) {
    for (const step of run.steps) {
      if (step.kind !== 'verify' || seen.has(step.id)) continue;
      const peering = step.id
        .replace(/^verify\//, '')
        .replace(/\/default/g, '')
        .replace('/', ' <-> ');
      seen.set(step.id, {
        peering,
        healthy: step.status === 'done' || step.status === 'unchanged',
        detail: step.detail,
        run: run.id,
        at: run.finishedAt ?? run.startedAt,
      });
    }
  }
  return [...seen.values()].sort((a, b) => a.peering.localeCompare(b.peering));
}

/** Adds `status` to the program. */
export function statusCommand(): Command {
  return new Command('status')
    .description('show the last runs and the health of each peering')
    .option('--redis-url <url>', 'Redis holding the run history (default: REDIS_URL)')
    .option('--limit <n>', 'how many runs to show', '10')
    .addOption(new Option('-o, --output <format>', 'text or json').default('text'))
    .action(async (flags: { redisUrl?: string; limit: string; output: string }) => {
      const json = parseOutput(flags.output, ['text', 'json']) === 'json';
      const url = flags.redisUrl ?? process.env.REDIS_URL;
      if (url === undefined)
        throw new Error('status reads the run history from Redis: set REDIS_URL or pass --redis-url');
      const redis = clientConnection(url);
      try {
        const runs = await new RedisRunStore(redis).list(Number(flags.limit));
        const health = peeringHealth(runs);
        if (json) return outJson({ runs, peerings: health });
        const c = paint(colorEnabled());
        out(c.bold('runs'));
        if (runs.length === 0) out('  none yet: run meshpeer apply');
        for (const r of runs) {
          const color = r.status === 'succeeded' ? c.green : r.status === 'running' ? c.yellow : c.red;
          out(
            `  ${r.id}  ${r.target}  ${r.revision.slice(0, 12)}  ${r.trigger.kind}  ${color(r.status)}  ${r.startedAt}${r.failure ? `\n      ${c.red(r.failure.split('\n')[0] ?? '')}` : ''}`,
          );
        }
        out(c.bold('\npeerings'));
        for (const h of health)
          out(`  ${h.healthy ? c.green('healthy') : c.red('failing')}  ${h.peering}  ${c.gray(h.detail)}`);
      } finally {
        redis.disconnect();
      }
    });
}
