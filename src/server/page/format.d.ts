/** Types of format.js (plain browser JavaScript, also imported by the unit tests). */
import type { PeeringState } from '../../gitops/peering-health.ts';
import type { RunTrigger } from '../../run/run-record.ts';

export declare const TRIGGER_KINDS: readonly RunTrigger['kind'][];
export declare const PEERING_STATES: readonly PeeringState[];
export declare function relativeTime(iso: string | undefined, nowMs: number): string;
export declare function exactTime(iso: string | undefined): string;
export declare function durationText(ms: number | undefined): string;
export declare function elapsedText(
  startIso: string | undefined,
  endIso: string | undefined,
  nowMs: number,
): string;
export declare function triggerText(trigger: RunTrigger): string;
export declare function stepCountsText(counts: Readonly<Record<string, number>>): string;
export declare function shortSha(sha: string | undefined): string;
export declare function knownState(state: string): PeeringState;
