/**
 * The pure planner and its renderers. Imports nothing that does I/O: observation happens in
 * src/observe, execution in src/run and src/steps.
 */

export type { InstallNeeds } from './install-needs.ts';
export {
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanEdge,
  type PlanError,
  type PlanNote,
  type PlanWarning,
} from './plan.ts';
export { installNeeds, type PlanOptions, planFor } from './plan-for.ts';
export { installErrors } from './preconditions.ts';
export { renderJson } from './render-json.ts';
export { MARKDOWN_LIMIT, renderMarkdown } from './render-markdown.ts';
export { renderText, type TextStyle } from './render-text.ts';
export { STEP_KINDS, type Step, type StepKind, type StepOf } from './step.ts';
