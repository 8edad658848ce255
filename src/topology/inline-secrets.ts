/**
 * Rejects secret values written straight into peerings.yaml. The file lives in Git, so a token in
 * it is leaked the moment it is pushed; messages name the field but never echo the value.
 */
import type { PathIssue } from './diagnostic.ts';

const secretKeys =
  /^(token|acltoken|peeringtoken|password|secretid|bootstraptoken|establishmentsecret|apitoken)$/i;

function looksLikePeeringToken(value: string): boolean {
  if (value.length < 80 || !value.startsWith('eyJ')) return false;
  try {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.includes('"PeerID"') || decoded.includes('"EstablishmentSecret"');
  } catch {
    return false;
  }
}

function issueFor(path: Array<string | number>, key: string): PathIssue {
  return {
    path,
    code: 'inline_secret',
    message:
      key === 'aclToken'
        ? 'aclToken holds a token inline: store it in a Kubernetes Secret and reference it as aclToken: {secret: NAME, key: KEY}'
        : `"${key}" holds a secret value inline: store it in a Kubernetes Secret and reference the Secret instead`,
  };
}

/** Finds inline secrets anywhere in the raw document. */
export function inlineSecretIssues(root: unknown): PathIssue[] {
  const found: PathIssue[] = [];
  const visit = (node: unknown, path: Array<string | number>): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, [...path, i]);
      });
      return;
    }
    if (node === null || typeof node !== 'object') {
      if (typeof node === 'string' && looksLikePeeringToken(node)) {
        found.push({
          path,
          code: 'inline_secret',
          message:
            'a peering token is written inline: meshpeer moves tokens between clusters itself; remove it from the file',
        });
      }
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (secretKeys.test(key) && (typeof value === 'string' || typeof value === 'number'))
        found.push(issueFor([...path, key], key));
      else visit(value, [...path, key]);
    }
  };
  visit(root, []);
  return found;
}
