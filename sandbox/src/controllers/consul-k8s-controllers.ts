/**
 * The consul-k8s controllers of one sandbox cluster, as the connect-injector runs them: the
 * config-entry controllers (Mesh, ProxyDefaults, ExportedServices, ServiceIntentions,
 * ServiceResolver, SamenessGroup: controllers/configentries/*_controller.go) whenever
 * connect-inject is enabled, and the peering acceptor and dialer
 * controllers only with `global.peering.enabled` (the chart's `-enable-peering` flag).
 */
import type { InProcessKube } from '../kube/in-process-kube.ts';
import type { SandboxComponent } from '../sandbox-cluster.ts';
import { ConfigEntryController } from './config-entry-controller.ts';
import { ConsulApi } from './consul-api.ts';
import type { ControllerContext } from './controller-context.ts';
import { ControllerLoop, type ControllerLoopOptions } from './controller-loop.ts';
import { PeeringAcceptorController } from './peering-acceptor-controller.ts';
import { PeeringDialerController } from './peering-dialer-controller.ts';

/** How to start a cluster's controllers. */
export interface ConsulK8sControllersOptions extends ControllerLoopOptions {
  objects: InProcessKube;
  /** Consul's HTTP address, resolved per call. */
  consulUrl: () => string;
  /** The CA of Consul's HTTPS certificate, as the injector mounts it from `<fullname>-ca-cert`. */
  consulCa?: string;
  /** The connect-injector's ACL token, when ACLs are on. */
  token?: string;
  datacenter: string;
  enterprise?: boolean;
  /** The partition the install serves (`global.adminPartitions.name`, default `default`). */
  partition?: string;
  peering?: boolean;
}

/** The component name under which a cluster's controllers are attached. */
export const CONTROLLERS_COMPONENT = 'consul-k8s';

/** Running controllers of one cluster. */
export class ConsulK8sControllers implements SandboxComponent {
  readonly name = CONTROLLERS_COMPONENT;

  private constructor(readonly loops: readonly ControllerLoop[]) {}

  /** Starts every controller's watches. */
  static start(options: ConsulK8sControllersOptions): ConsulK8sControllers {
    const ctx: ControllerContext = {
      objects: options.objects,
      consul: new ConsulApi(options.consulUrl, options.token, {
        ...(options.consulCa !== undefined && { ca: options.consulCa }),
      }),
      datacenter: options.datacenter,
      enterprise: options.enterprise ?? false,
      partition: options.partition ?? 'default',
      ...(options.log !== undefined && { log: options.log }),
    };
    const reconcilers = [
      new ConfigEntryController(ctx, 'Mesh'),
      new ConfigEntryController(ctx, 'ProxyDefaults'),
      new ConfigEntryController(ctx, 'ExportedServices'),
      new ConfigEntryController(ctx, 'ServiceIntentions'),
      new ConfigEntryController(ctx, 'ServiceResolver'),
      new ConfigEntryController(ctx, 'SamenessGroup'),
      ...(options.peering === false
        ? []
        : [new PeeringAcceptorController(ctx), new PeeringDialerController(ctx)]),
    ];
    const loops = reconcilers.map((r) => new ControllerLoop(options.objects, r, options));
    for (const loop of loops) loop.start();
    return new ConsulK8sControllers(loops);
  }

  /** Reconciles every object of every kind now (what the periodic resync does). */
  resync(): void {
    for (const loop of this.loops) loop.resync();
  }

  /** Resolves once every loop has drained its queue. */
  async idle(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.idle()));
  }

  /** Stops every loop, waiting for reconciles in progress. */
  async stop(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.stop()));
  }
}
