package io.cgdev.controller.cpu;

import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.plugin.support.PressureGroup;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The cpu controller's state of one cgroup for one device: its weight, its bandwidth pool, its
 * entity and run queue on every engine, and the usage behind {@code cpu.stat}.
 *
 * <p>The weight is volatile (written by the file view, read by the scheduler); the scheduling
 * structures are guarded by the binding's lock; usage counters are atomics written under that lock
 * and read without it.
 */
final class CpuState implements DeviceState {
  /**
   * Room for the kernel keys' lines of {@link #stat} (77 characters of keys, separators and newlines)
   * with numbers of up to eight digits on average; the builder grows if needed.
   */
  private static final int STAT_CHARS = 128;
  /** Room per engine line ({@code usage_usec.<engine> <n>}, e.g. 29 characters for vecs0 and 12 digits). */
  private static final int ENGINE_LINE_CHARS = 32;

  final CpuBinding binding;
  final CgroupHandle cgroup;
  final CpuState parent;

  /** The weight in load units (see {@link CpuWeight}). */
  volatile long load = CpuWeight.NICE0_LOAD;

  final BandwidthPool pool = new BandwidthPool();

  /**
   * {@code cpu.pressure}: its clients' waiting for engines, fed by the binding under its lock
   * ({@link CpuBinding#updatePressure}).
   */
  final PressureGroup pressure;

  /** Per engine: this group's entity in its parent's queue, holding its own queue. */
  final GroupEntity[] entities;

  /** Nanoseconds run by clients of this cgroup and its descendants, per engine. */
  final AtomicLongArray usage;

  /** Clients opened in this cgroup and not yet closed; guarded by the binding's lock. */
  private int openClients;

  private volatile boolean hasClients;

  CpuState(CpuBinding binding, CgroupHandle cgroup, CpuState parent, int engines) {
    this.binding = binding;
    this.cgroup = cgroup;
    this.parent = parent;
    this.entities = new GroupEntity[engines];
    for (int e = 0; e < engines; e++) {
      RunQueue parentQueue = parent == null ? null : parent.entities[e].queue;
      entities[e] = new GroupEntity(this, parentQueue, binding.nextSeq());
    }
    this.usage = new AtomicLongArray(engines);
    this.pressure = parent == null ? PressureGroup.root(binding.clock()) : new PressureGroup(parent.pressure);
  }

  boolean isRoot() {
    return parent == null;
  }

  void clientOpened() {
    openClients++;
    hasClients = true;
  }

  void clientClosed() {
    openClients--;
    hasClients = openClients > 0;
  }

  /** Adds run time under the binding's lock; a release store so lock-free readers see it whole. */
  void addUsage(int engine, long nanos) {
    usage.setRelease(engine, usage.getPlain(engine) + nanos);
  }

  /** A removed cgroup stays dying while clients opened in it are still open. */
  @Override
  public boolean drained() {
    return !hasClients;
  }

  /** {@code cgroup.pressure}: this cgroup's {@code cpu.pressure} stops (or restarts) accumulating. */
  @Override
  public void accountPressure(boolean on) {
    pressure.enabled(on);
  }

  @Override
  public void free() {
    binding.forget(this);
    pressure.close();
  }

  /**
   * {@code cpu.pressure}: the kernel's format; the root's {@code full} line is zeros, as the kernel
   * prints CPU {@code full} at the system level.
   */
  String pressure() {
    pressure.advance();
    return pressure.show(!isRoot());
  }

  /**
   * {@code cpu.stat}: kernel keys first, then {@code usage_usec.<engine>} per engine; flat keyed ({@link
   * io.cgdev.api.Keyed}'s {@code key value} lines). Written straight into one builder sized for the
   * whole text, with the per-engine keys made once by the binding: the simulator and monitoring tools
   * read this file at every sample.
   */
  String stat() {
    int engines = usage.length();
    long[] perEngine = new long[engines];
    long total = 0;
    for (int e = 0; e < engines; e++) {
      perEngine[e] = usage.getAcquire(e);
      total += perEngine[e];
    }
    StringBuilder b = new StringBuilder(STAT_CHARS + engines * ENGINE_LINE_CHARS);
    b.append("usage_usec ").append(total / 1000).append('\n');
    if (!isRoot()) {
      b.append("nr_periods ").append(pool.nrPeriods).append('\n')
          .append("nr_throttled ").append(pool.nrThrottled).append('\n')
          .append("throttled_usec ").append(pool.throttledNanos / 1000).append('\n')
          .append("nr_bursts ").append(pool.nrBursts).append('\n')
          .append("burst_usec ").append(pool.burstNanos / 1000).append('\n');
    }
    for (int e = 0; e < engines; e++) {
      b.append(binding.usageKey(e)).append(perEngine[e] / 1000).append('\n');
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return "cpu state of " + cgroup.path() + " on " + binding.deviceName();
  }
}
