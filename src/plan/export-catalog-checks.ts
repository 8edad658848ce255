/**
 * Checks that every exported service is registered in its install's partition. Consul accepts an
 * ExportedServices entry for a service it does not know, and the peer imports nothing until the
 * service registers, so without this check verification fails later with no word why. A warning by
 * default (the export takes effect once the service registers); with `--strict` an error that
 * blocks that install's export step and the verification that expects the service.
 */
import type { CatalogFacts } from '../observe/observed-state.ts';
import type { PlanError, PlanWarning } from './plan.ts';
import type { PlanContext } from './plan-context.ts';
import type { Step } from './step.ts';

/** One exported service that is not registered, or whose registration could not be checked. */
export interface CatalogFinding {
  readonly install: string;
  readonly partition: string;
  readonly service: string;
  readonly namespace?: string;
  /** Undefined when the service is missing; why it could not be checked otherwise. */
  readonly unchecked?: string;
}

/** What `consul catalog services` shows the place, for the operator to look. */
function lookCommand(f: CatalogFinding): string {
  return `consul catalog services -partition ${f.partition}${f.namespace === undefined ? '' : ` -namespace ${f.namespace}`}`;
}

const serviceText = (f: CatalogFinding) =>
  `"${f.service}"${f.namespace === undefined ? '' : ` (namespace ${f.namespace})`}`;

function findingOf(
  catalog: CatalogFacts,
  place: { install: string; partition: string },
  s: { name: string; namespace?: string },
): CatalogFinding | undefined {
  const ns = s.namespace ?? 'default';
  const base = { ...place, service: s.name, ...(s.namespace !== undefined && { namespace: s.namespace }) };
  const why = catalog.unreadable[ns];
  if (why !== undefined) return { ...base, unchecked: why };
  if (catalog.services[ns]?.includes(s.name) === true) return undefined;
  // Consul leaves out what the token may not read: absence proves nothing then.
  if (catalog.lacksServiceRead === true) return { ...base, unchecked: 'token lacks service:read' };
  return base;
}

/** Every exported service of a reachable install that is not registered or could not be checked. */
export function catalogFindings(ctx: PlanContext): CatalogFinding[] {
  return ctx.topology.exports.flatMap((entry) => {
    const consul = ctx.reachable(entry.install)?.consul;
    // Not observed (Consul unreachable, or its peerings refused): other errors say why.
    if (consul?.reachable !== true || consul.catalog === undefined) return [];
    const catalog = consul.catalog;
    const place = { install: entry.install, partition: entry.partition };
    return entry.services.flatMap((s) => findingOf(catalog, place, s) ?? []);
  });
}

/** The warnings of the findings: all of them, or under `strict` only those that could not be checked. */
export function catalogWarnings(findings: readonly CatalogFinding[], strict: boolean): PlanWarning[] {
  return findings
    .filter((f) => !strict || f.unchecked !== undefined)
    .map((f) => ({
      code: f.unchecked === undefined ? 'export_service_missing' : 'export_service_unchecked',
      cluster: f.install,
      service: f.service,
      partition: f.partition,
      ...(f.namespace !== undefined && { namespace: f.namespace }),
      message:
        f.unchecked === undefined
          ? `service ${serviceText(f)} is exported but not registered in the catalog of partition ${f.partition}; it will be exported once it registers (${lookCommand(f)})`
          : `cannot check that exported service ${serviceText(f)} is registered in the catalog of partition ${f.partition}: ${f.unchecked}`,
    }));
}

/** The error id of an install's missing exported services under `--strict`. */
export const catalogErrorId = (install: string) => `export-service/${install}`;

/** Under `strict`, one error per install with missing exported services; none otherwise. */
export function catalogErrors(findings: readonly CatalogFinding[], strict: boolean): PlanError[] {
  if (!strict) return [];
  const missing = findings.filter((f) => f.unchecked === undefined);
  const installs = [...new Set(missing.map((f) => f.install))];
  return installs.flatMap((install): PlanError[] => {
    const mine = missing.filter((f) => f.install === install);
    const [first] = mine;
    if (first === undefined) return [];
    const names = mine.map(serviceText).join(', ');
    const subject = mine.length === 1 ? `service ${names} is` : `services ${names} are`;
    return [
      {
        id: catalogErrorId(install),
        code: 'export_service_missing',
        cluster: install,
        message: `${subject} exported but not registered in the catalog of partition ${first.partition}`,
        fix: `register ${mine.length === 1 ? 'it' : 'them'} or remove ${mine.length === 1 ? 'it' : 'them'} from exports in peerings.yaml (${lookCommand(first)}); without --strict the export is written and takes effect once the service registers`,
      },
    ];
  });
}

/**
 * Marks what a strict catalog error blocks: the export step of its install, and the verification
 * of each peering that expects one of its missing services (it cannot pass). Nothing else of the
 * install is blocked: its peerings do not need the service.
 */
export function blockForCatalog(steps: readonly Step[], findings: readonly CatalogFinding[]): Step[] {
  const missing = new Map<string, Set<string>>();
  for (const f of findings)
    if (f.unchecked === undefined)
      missing.set(f.install, (missing.get(f.install) ?? new Set()).add(f.service));
  if (missing.size === 0) return [...steps];
  const lacks = (install: string, services: readonly string[]) =>
    services.some((s) => missing.get(install)?.has(s) === true);
  return steps.map((s): Step => {
    if (s.blockedBy !== undefined) return s;
    if (s.kind === 'export' && missing.has(s.lane)) return { ...s, blockedBy: catalogErrorId(s.lane) };
    if (s.kind !== 'verify') return s;
    const { acceptor, dialer, dialerImports, acceptorImports } = s.params;
    if (lacks(acceptor.install, dialerImports)) return { ...s, blockedBy: catalogErrorId(acceptor.install) };
    if (lacks(dialer.install, acceptorImports)) return { ...s, blockedBy: catalogErrorId(dialer.install) };
    return s;
  });
}
