/** Renders a plan as JSON in the versioned format documented in docs/plan-json.md. */
import type { Plan } from './plan.ts';

/** Stable, pretty JSON of the plan. */
export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
