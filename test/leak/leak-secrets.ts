/**
 * The secrets the leak scan looks for, read from the sandbox after the runs (peering tokens and
 * their establishment secrets, ACL token SecretIDs, kubeconfig credentials), and the encodings
 * each may appear in.
 */
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import type { Sandbox } from '../../sandbox/src/sandbox.ts';
import { decodeToken } from '../../src/peering/token-codec.ts';

/** A named secret value. */
export interface Secret {
  readonly what: string;
  readonly value: string;
}

/** Peering tokens from every token Secret in every cluster, and the establishment secret inside each. */
export function peeringSecrets(sandbox: Sandbox): Secret[] {
  const out: Secret[] = [];
  for (const cluster of sandbox.clusters) {
    for (const secret of cluster.objects.list('v1', 'Secret')) {
      if (secret.metadata.labels?.['consul.hashicorp.com/peering-token'] !== 'true') continue;
      for (const encoded of Object.values((secret.data ?? {}) as Record<string, string>)) {
        const token = Buffer.from(encoded, 'base64').toString('utf8');
        const where = `${cluster.name}/${secret.metadata.namespace}/${secret.metadata.name}`;
        out.push({ what: `peering token ${where}`, value: token });
        out.push({ what: `establishment secret ${where}`, value: decodeToken(token).EstablishmentSecret });
      }
    }
  }
  return out;
}

/** The SecretIDs of the ACL tokens the Helm chart created in each cluster's Consul. */
export function aclSecrets(sandbox: Sandbox): Secret[] {
  return sandbox.clusters.flatMap((c) => {
    const acl = sandbox.stack(c.name).consul.acl;
    if (acl === undefined) return [];
    return [
      { what: `bootstrap ACL token ${c.name}`, value: acl.bootstrapToken },
      { what: `mesh gateway ACL token ${c.name}`, value: acl.meshGatewayToken },
      { what: `connect-inject ACL token ${c.name}`, value: acl.injectorToken },
    ];
  });
}

/** Bearer tokens, client keys and passwords of every user in a kubeconfig file. */
export async function kubeconfigSecrets(file: string): Promise<Secret[]> {
  const kc = new KubeConfig();
  kc.loadFromString(await readFile(file, 'utf8'));
  return kc.users.flatMap((u) =>
    [u.token, u.keyData, u.password]
      .filter((v): v is string => typeof v === 'string' && v.length >= 8)
      .map((value) => ({ what: `kubeconfig credential of ${u.name}`, value })),
  );
}

/** Base64 text of `value` wherever it starts in a larger encoded blob: the stable middle of each of the 3 alignments. */
function base64Fragments(value: string, alphabet: 'base64' | 'base64url'): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes])
      .toString(alphabet)
      .replace(/=+$/, '');
    // The first chars mix in the padding bytes, the last ones whatever follows.
    const head = shift === 0 ? 0 : shift + 1;
    return encoded.slice(head, encoded.length - 2);
  });
}

/** Every form a secret may leak in: raw, JSON-escaped, URL-encoded, base64 and base64url. */
export function leakForms(secret: Secret): Array<{ form: string; text: string }> {
  const { value } = secret;
  const forms = [
    { form: 'raw', text: value },
    { form: 'json-escaped', text: JSON.stringify(value).slice(1, -1) },
    { form: 'url-encoded', text: encodeURIComponent(value) },
    ...base64Fragments(value, 'base64').map((text) => ({ form: 'base64', text })),
    ...base64Fragments(value, 'base64url').map((text) => ({ form: 'base64url', text })),
  ];
  // Fragments shorter than 12 characters would match ordinary text by chance.
  return forms.filter((f, i) => f.text.length >= 12 && forms.findIndex((g) => g.text === f.text) === i);
}

/** One finding: which secret, in which form, in which source. */
export interface Leak {
  readonly source: string;
  readonly what: string;
  readonly form: string;
  readonly context: string;
}

/** Every occurrence of any form of any secret in the collected texts, with a redacted snippet of context. */
export function findLeaks(sources: ReadonlyMap<string, string>, secrets: readonly Secret[]): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    for (const { form, text } of leakForms(secret)) {
      for (const [source, content] of sources) {
        const at = content.indexOf(text);
        if (at < 0) continue;
        const context = `${content.slice(Math.max(0, at - 60), at)}<SECRET>${content.slice(at + text.length, at + text.length + 60)}`;
        leaks.push({ source, what: secret.what, form, context });
      }
    }
  }
  return leaks;
}
