/** Converts live ServiceIntentions, ServiceResolver and SamenessGroup objects into observed facts. */
import type { LiveObject } from '../kube/cluster-client.ts';
import { samenessFields } from '../resources/sameness-group-fields.ts';
import { ownedIntentions, sourcesOf } from '../resources/service-intentions-merge.ts';
import {
  anySubsetFailover,
  hasRedirect,
  onlyAnySubsetFailover,
  ownsFailover,
} from '../resources/service-resolver-merge.ts';
import type { IntentionsFacts, ResolverFacts, SamenessGroupFacts } from './observed-state.ts';
import { baseFacts } from './resource-facts.ts';

/** A ServiceIntentions: its destination, meshpeer's recorded sources and every source. */
export function intentionsFacts(o: LiveObject): IntentionsFacts {
  const base = baseFacts(o);
  const destination = (o.spec?.destination ?? {}) as { name?: unknown; namespace?: unknown };
  const ns = typeof destination.namespace === 'string' ? destination.namespace : '';
  return {
    ...base,
    destination: typeof destination.name === 'string' ? destination.name : '',
    ...(ns !== '' && { destinationNamespace: ns }),
    owned: ownedIntentions(o, base.managed),
    sources: sourcesOf(o),
  };
}

/** A ServiceResolver: its `failover['*']`, whether meshpeer wrote it, and what else it holds. */
export function resolverFacts(o: LiveObject): ResolverFacts {
  const failover = anySubsetFailover(o.spec);
  return {
    ...baseFacts(o),
    ...(failover !== undefined && { failover }),
    ownsFailover: ownsFailover(o.metadata.annotations),
    otherFields: !onlyAnySubsetFailover(o.spec),
    redirect: hasRedirect(o.spec),
  };
}

/** A SamenessGroup: its declared fields, normalized. */
export function samenessGroupFacts(o: LiveObject): SamenessGroupFacts {
  return { ...baseFacts(o), fields: samenessFields(o.spec) };
}
