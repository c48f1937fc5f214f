package io.cgdev.controller.cpu;

/**
 * A client on one engine. Every client weighs as {@code cpu.weight} 100 (nice 0) among its group's
 * children, as a nice-0 task does among child cgroups in the kernel. Queued exactly while runnable.
 */
final class ClientEntity extends SchedEntity {
  final CpuClient client;

  ClientEntity(CpuClient client, RunQueue parentQueue, long seq) {
    super(parentQueue, seq);
    this.client = client;
  }

  @Override
  long load() {
    return CpuWeight.NICE0_LOAD;
  }
}
