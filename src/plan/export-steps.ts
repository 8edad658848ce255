/** Plans `export` steps: one ExportedServices resource per cluster and partition. */
import { exportedServicesName, exportedServicesResource } from '../kube/consul-resources.ts';
import type { ExportFacts } from '../observe/observed-state.ts';
import { canonical, type PlanContext } from './plan-context.ts';
import type { Step } from './step.ts';

function normalizedServices(services: ExportFacts['services']): string {
  const list = services.map((s) => ({
    name: s.name,
    namespace: s.namespace ?? '',
    consumers: s.consumers
      .map((c) => canonical({ peer: c.peer, partition: c.partition, samenessGroup: c.samenessGroup }))
      .sort(),
  }));
  return canonical(list.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)));
}

/** Export steps for every desired export whose resource is missing or differs. */
export function exportSteps(ctx: PlanContext): Step[] {
  const steps: Step[] = [];
  for (const entry of ctx.topology.exports) {
    const observed = ctx.reachable(entry.cluster);
    if (observed === undefined) continue;
    const spec = ctx.cluster(entry.cluster);
    const object = exportedServicesResource(spec, entry);
    const name = exportedServicesName(spec, entry.partition);
    const current = observed.exports.find(
      (e) => e.name === name && e.namespace === spec.consul.namespace && !e.deleting,
    );
    const desiredServices = object.spec.services as ExportFacts['services'];
    if (current !== undefined && normalizedServices(current.services) === normalizedServices(desiredServices))
      continue;
    const names = (list: ExportFacts['services']) =>
      list
        .map((s) => `${s.name}→${s.consumers.map((c) => c.peer ?? c.partition ?? c.samenessGroup).join('+')}`)
        .sort();
    steps.push({
      id: `export/${entry.cluster}/${name}`,
      kind: 'export',
      action: current === undefined ? 'create' : 'update',
      lane: entry.cluster,
      target: { kind: 'ExportedServices', namespace: spec.consul.namespace, name },
      reason:
        current === undefined
          ? `ExportedServices ${name} does not exist`
          : `ExportedServices ${name} differs from the desired exports`,
      dependsOn: [],
      changes: [
        { path: 'spec.services', from: current ? names(current.services) : null, to: names(desiredServices) },
      ],
      params: { object },
    });
  }
  return steps;
}
