/** The JSON Schema of peerings.yaml, generated from the zod schema for yaml-language-server. */
import * as z from 'zod';
import { topologyFileSchema } from './schema.ts';

/** A JSON Schema (draft 2020-12) describing peerings.yaml as people write it. */
export function topologyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(topologyFileSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return {
    ...schema,
    $id: 'https://meshpeer.dev/schemas/peerings.v1alpha1.json',
    title: 'meshpeer peerings.yaml',
    description:
      'Desired state of Consul cluster peering across Kubernetes clusters, reconciled by meshpeer.',
  };
}
