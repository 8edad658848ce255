/**
 * The policy rules server-acl-init writes, rendered as hashicorp/consul-k8s
 * control-plane/subcommand/server-acl-init/rules.go renders its Go templates (`{{-` trims the
 * newline before each action, so the text is the kept lines joined by newlines, with a leading
 * newline when the template starts with an action).
 */

/** The template inputs (`rulesData`): `partitionName` is '' when admin partitions are off. */
export interface RulesData {
  readonly partitionName: string;
  readonly peering: boolean;
  readonly namespaces: boolean;
}

type Line = string | false;

function render(startsWithAction: boolean, lines: readonly Line[]): string {
  const kept = lines.filter((l): l is string => l !== false);
  return (startsWithAction ? '\n' : '') + kept.join('\n');
}

/** `partitionRules`: the token of partition-init and of server-acl-init in other partitions. */
export const PARTITION_RULES =
  'operator = "write"\nagent_prefix "" {\n  policy = "read"\n}\npartition_prefix "" {\n' +
  '  namespace_prefix "" {\n    acl = "write"\n    service_prefix "" {\n      policy = "write"\n    }\n  }\n}';

/** `connectInjectOperatorReadRules`: lets the injector read the license endpoint. */
export const CONNECT_INJECT_OPERATOR_READ_RULES = 'operator = "read"';

/** `meshGatewayRules`; peering read is there only with `-enable-peering` (added by consul-k8s#1685). */
export function meshGatewayRules(data: RulesData): string {
  const { partitionName: p, peering, namespaces: ns } = data;
  const inDefault = p === 'default';
  return render(false, [
    'mesh = "write"',
    peering && 'peering = "read"',
    inDefault && 'partition_prefix "" {',
    inDefault && peering && '  peering = "read"',
    ...(inDefault && ns
      ? ['  namespace_prefix "" {', '    node_prefix "" {', '      policy = "read"', '    }']
      : []),
    ...(inDefault && ns ? ['    service_prefix "" {', '      policy = "read"', '    }', '  }'] : []),
    ...(inDefault && !ns ? ['  node_prefix "" {', '    policy = "read"', '  }'] : []),
    ...(inDefault && !ns ? ['  service_prefix "" {', '    policy = "read"', '  }'] : []),
    inDefault && '}',
    ns && 'namespace "default" {',
    '  service "mesh-gateway" {',
    '     policy = "write"',
    '  }',
    ns && '}',
    !inDefault && ns && 'namespace_prefix "" {',
    ...(inDefault ? [] : ['  node_prefix "" {', '  \tpolicy = "read"', '  }']),
    ...(inDefault ? [] : ['  service_prefix "" {', '     policy = "read"', '  }']),
    !inDefault && ns && '}',
  ]);
}

/** `injectRules`: the connect-injector runs the endpoints and peering controllers. */
export function injectRules(data: RulesData): string {
  const { partitionName: p, peering, namespaces: ns } = data;
  const parts = p !== '';
  return render(true, [
    parts && `partition ${JSON.stringify(p)} {`,
    '  mesh = "write"',
    !parts && '  operator = "write"',
    '  acl = "write"',
    peering && '  peering = "write"',
    '  node_prefix "" {',
    '    policy = "write"',
    '  }',
    ns && '  namespace_prefix "" {',
    ns && '    acl = "write"',
    parts && '    policy = "write"',
    '    service_prefix "" {',
    '      policy = "write"',
    '      intentions = "write"',
    '    }',
    '    identity_prefix "" {',
    '      policy = "write"',
    '      intentions = "write"',
    '    }',
    ns && '  }',
    parts && '}',
  ]);
}

/** `anonymousTokenRules`: read on every node and service, for DNS and cross-datacenter calls. */
export function anonymousTokenRules(data: RulesData): string {
  const parts = data.partitionName !== '';
  return render(true, [
    parts && 'partition_prefix "" {',
    data.namespaces && '  namespace_prefix "" {',
    '    node_prefix "" {',
    '       policy = "read"',
    '    }',
    '    service_prefix "" {',
    '       policy = "read"',
    '    }',
    data.namespaces && '  }',
    parts && '}',
  ]);
}

/** `agentRules`: the servers' agent tokens (and the client policy when clients are enabled). */
export function agentRules(data: RulesData): string {
  const parts = data.partitionName !== '';
  return render(true, [
    parts && `partition ${JSON.stringify(data.partitionName)} {`,
    '  node_prefix "" {',
    '    policy = "write"',
    '  }',
    data.namespaces && '  namespace_prefix "" {',
    '    service_prefix "" {',
    '      policy = "read"',
    '    }',
    data.namespaces && '  }',
    parts && '}',
  ]);
}

/** `crossNamespaceRules`: read across namespaces, the default policy of the default namespace. */
export function crossNamespaceRules(data: RulesData): string {
  const parts = data.partitionName !== '';
  return render(true, [
    parts && `partition ${JSON.stringify(data.partitionName)} {`,
    '  namespace_prefix "" {',
    '    service_prefix "" {',
    '      policy = "read"',
    '    }',
    '    node_prefix "" {',
    '      policy = "read"',
    '    }',
    '  }',
    parts && '}',
  ]);
}
