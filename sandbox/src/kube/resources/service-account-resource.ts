/** core/v1 ServiceAccount as the emulator serves it (kubernetes pkg/apis/core/validation ValidateServiceAccount). */
import type { ResourceType } from '../resource-type.ts';
import { ageColumn, bool, list, nameColumn, obj, str, topLevel } from './schema-helpers.ts';

const reference = obj({ name: str(), namespace: str(), kind: str(), apiVersion: str(), uid: str() });

/**
 * core/v1 ServiceAccount. Simplified: the emulator issues no tokens (no TokenRequest subresource and
 * no token controller), so a `kubernetes.io/service-account-token` Secret stays as written.
 */
export const serviceAccountType: ResourceType = {
  group: '',
  version: 'v1',
  builtIn: true,
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  hasStatus: false,
  tracksGeneration: false,
  schemaName: 'io.k8s.api.core.v1.ServiceAccount',
  schema: topLevel(
    'ServiceAccount binds together a name, a principal that can be authenticated, and secrets.',
    {
      secrets: list(reference, 'Secrets is a list of the secrets in the same namespace that pods may use.'),
      imagePullSecrets: list(obj({ name: str() }), 'References to secrets for pulling images.'),
      automountServiceAccountToken: bool('Whether pods running as this account mount an API token.'),
    },
  ),
  // As kubernetes pkg/printers/internalversion serviceAccountColumnDefinitions.
  columns: [
    nameColumn,
    {
      name: 'Secrets',
      type: 'string',
      description: 'Secrets is a list of the secrets in the same namespace that pods may use.',
      cell: (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0),
    },
    ageColumn,
  ],
};
