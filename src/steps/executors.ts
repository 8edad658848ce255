/**
 * The executor registry: one executor per step kind, checked for exhaustiveness by the compiler.
 * Shared code never switches on step kinds; it looks the executor up here.
 */
import type { Step, StepKind, StepOf } from '../plan/index.ts';
import { runAcl } from './acl-executor.ts';
import { runHelmCheck, runPrune } from './check-executors.ts';
import { runDialer, runRotate, runTokenTransfer } from './peering-executors.ts';
import { runAcceptor, runExport, runMeshGateway, runPruneExport } from './resource-executors.ts';
import type { StepContext } from './step-context.ts';
import type { StepOutcome } from './step-outcome.ts';
import {
  runIntentions,
  runPruneIntentions,
  runPruneResolver,
  runResolver,
  runSamenessGroup,
} from './traffic-executors.ts';
import { runVerify } from './verify-executor.ts';

/** Runs one kind of step: observe, compare, act, report. */
export type Executor<K extends StepKind> = (step: StepOf<K>, ctx: StepContext) => Promise<StepOutcome>;

const executors = {
  'helm-values-check': runHelmCheck,
  acl: runAcl,
  'mesh-gateway': runMeshGateway,
  rotate: runRotate,
  acceptor: runAcceptor,
  'token-transfer': runTokenTransfer,
  dialer: runDialer,
  'sameness-group': runSamenessGroup,
  export: runExport,
  intentions: runIntentions,
  resolver: runResolver,
  'prune-intentions': runPruneIntentions,
  'prune-resolver': runPruneResolver,
  'prune-dialer': runPrune,
  'prune-acceptor': runPrune,
  'prune-token-secret': runPrune,
  'prune-export': runPruneExport,
  'prune-sameness-group': runPrune,
  verify: runVerify,
} satisfies { [K in StepKind]: Executor<K> };

/** Runs the executor of a step's kind. */
export function execute(step: Step, ctx: StepContext): Promise<StepOutcome> {
  const run = executors[step.kind] as Executor<StepKind>;
  return run(step as StepOf<StepKind>, ctx);
}
