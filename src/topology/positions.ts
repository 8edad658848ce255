/** Maps document paths to 1-based line and column positions in the YAML source. */
import type { Document, LineCounter, Node } from 'yaml';
import { yamlParser } from './yaml-parser.ts';

/** Resolves positions of paths in one parsed document. */
export interface Locator {
  locate(path: ReadonlyArray<string | number>, atKey?: boolean): { line: number; col: number };
}

function child(node: unknown, key: string | number): { value: Node | null; key: Node | null } | undefined {
  const { isMap, isScalar, isSeq } = yamlParser();
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
    if (pair === undefined) return undefined;
    return { value: (pair.value as Node | null) ?? null, key: pair.key as Node };
  }
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item === undefined ? undefined : { value: item as Node, key: null };
  }
  return undefined;
}

/** Builds a locator; a path that does not exist resolves to its deepest existing ancestor. */
export function createLocator(doc: Document, lineCounter: LineCounter): Locator {
  return {
    locate(path, atKey = false) {
      let node: unknown = doc.contents;
      let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
      for (let i = 0; i < path.length; i++) {
        const next = child(node, path[i] as string | number);
        if (next === undefined) break;
        const last = i === path.length - 1;
        const target = last && atKey && next.key !== null ? next.key : (next.value ?? next.key);
        if (target?.range) offset = target.range[0];
        node = next.value;
      }
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, col: pos.col };
    },
  };
}
