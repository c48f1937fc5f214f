package io.cgdev.controller.cpu;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A driver's scheduling entity on one device: one {@link ClientEntity} per engine. Every method
 * forwards to the binding, which serialises it under the device's lock.
 */
final class CpuClient implements TimeSharing.Client {
  final CpuBinding binding;
  final CpuState state;
  private final String label;
  final ClientEntity[] entities;
  private final AtomicLongArray runtime;

  /** Set under the binding's lock; volatile for {@link #toString} and tests. */
  volatile boolean closed;

  /** Engines whose last pick was this client and that have not asked again; guarded by the binding's lock. */
  int runningOn;

  /**
   * What {@code cpu.pressure} counts it as: {@link CpuBinding#IDLE}, {@link CpuBinding#WAITING} or
   * {@link CpuBinding#RUNNING}; guarded by the binding's lock.
   */
  int pressureState = CpuBinding.IDLE;

  CpuClient(CpuBinding binding, CpuState state, String label, int engines) {
    this.binding = binding;
    this.state = state;
    this.label = label;
    this.entities = new ClientEntity[engines];
    for (int e = 0; e < engines; e++) {
      entities[e] = new ClientEntity(this, state.entities[e].queue, binding.nextSeq());
    }
    this.runtime = new AtomicLongArray(engines);
  }

  @Override
  public CgroupHandle cgroup() {
    return state.cgroup;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public void setRunnable(int engine, boolean runnable) {
    binding.setRunnable(this, engine, runnable);
  }

  @Override
  public void ran(int engine, long nanos) {
    binding.ran(this, engine, nanos);
  }

  @Override
  public long runtime(int engine) {
    binding.checkEngine(engine);
    return runtime.getAcquire(engine);
  }

  /** Whether the client is queued on an engine now; call under the binding's lock. */
  boolean runnable(int engine) {
    return entities[engine].queued();
  }

  void addRuntime(int engine, long nanos) {
    runtime.setRelease(engine, runtime.getPlain(engine) + nanos);
  }

  @Override
  public void close() {
    binding.close(this);
  }

  @Override
  public String toString() {
    return label + " (" + state.cgroup.path() + (closed ? ", closed)" : ")");
  }
}
