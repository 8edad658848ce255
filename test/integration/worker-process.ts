/** A worker process for crash tests: the same startWorkers as `meshpeer worker`, on a private prefix. */
import { startWorkers } from '../../src/app/start-workers.ts';
import { testPolicy } from './sandbox-fixture.ts';

const [redisUrl = '', prefix = '', kubeconfig = ''] = process.argv.slice(2);
const workers = await startWorkers({
  redisUrl,
  prefix,
  overrides: { kubeconfig },
  policy: testPolicy,
  lockDurationMs: 1500,
  stepConcurrency: 4,
});
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void workers.close().then(() => process.exit(0));
});
