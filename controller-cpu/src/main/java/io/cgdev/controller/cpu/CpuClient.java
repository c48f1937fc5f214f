package io.cgdev.controller.cpu;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.TimeSharing;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A driver's scheduling entity on one device: one {@link ClientEntity} per engine, the engine it
 * runs on now (if any) and the engines it is runnable on but parked meanwhile. Every method forwards
 * to the binding, which serialises it under the device's lock.
 */
final class CpuClient implements TimeSharing.Client {
  final CpuBinding binding;
  final CpuState state;
  private final String label;
  final ClientEntity[] entities;
  private final AtomicLongArray runtime;

  /** Set under the binding's lock; volatile for {@link #toString} and tests. */
  volatile boolean closed;

  /**
   * What {@code cpu.pressure} counts it as: {@link CpuBinding#IDLE}, {@link CpuBinding#WAITING} or
   * {@link CpuBinding#RUNNING}; guarded by the binding's lock.
   */
  int pressureState = CpuBinding.IDLE;

  /** The engine that picked it last and has not asked again, or -1; guarded by the binding's lock. */
  int runningOn = -1;

  /**
   * Per engine: runnable there, but out of the queue while it runs on {@link #runningOn}; guarded by
   * the binding's lock.
   */
  final boolean[] parked;

  CpuClient(CpuBinding binding, CpuState state, String label, int engines) {
    this.binding = binding;
    this.state = state;
    this.label = label;
    this.entities = new ClientEntity[engines];
    for (int e = 0; e < engines; e++) {
      entities[e] = new ClientEntity(this, state.entities[e].queue, binding.nextSeq());
    }
    this.runtime = new AtomicLongArray(engines);
    this.parked = new boolean[engines];
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

  /** Whether the client is runnable on an engine, queued there or parked; call under the binding's lock. */
  boolean wantsToRun(int engine) {
    return entities[engine].queued() || parked[engine];
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
