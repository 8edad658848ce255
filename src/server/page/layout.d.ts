/** Types of layout.js (plain browser JavaScript, also imported by the unit tests). */
import type { PeeringHealth, PeeringState } from '../../gitops/peering-health.ts';
import type { TopologyGraph } from '../../gitops/status-snapshot.ts';

export interface Label {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly full: string;
  readonly cls: string;
}
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}
export interface Edge {
  readonly id: string;
  readonly acceptor: string;
  readonly dialer: string;
  readonly state: PeeringState;
  readonly health?: PeeringHealth;
}
export interface PlacedEdge extends Edge {
  readonly bulge: number;
  readonly path: string;
}
export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly groups: ReadonlyArray<Box & { readonly cluster: string; readonly label: Label }>;
  readonly nodes: ReadonlyArray<
    Box & TopologyGraph['installs'][number] & { readonly labels: readonly Label[] }
  >;
  readonly edges: readonly PlacedEdge[];
}

export declare const FONT_SIZE: number;
export declare const CHAR_WIDTH: number;
export declare const MAX_LABEL: number;
export declare function fitLabel(text: string, max?: number): string;
export declare function labelWidth(text: string): number;
export declare function labelBox(label: Label): Box;
export declare function peeringEdges(graph: TopologyGraph, health: readonly PeeringHealth[]): Edge[];
export declare function layoutTopology(graph: TopologyGraph, health: readonly PeeringHealth[]): Layout;
export declare function layoutLabels(layout: Layout): Label[];
