package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A device clock for simulated devices and tests: it starts at 0 and moves only when told to. Read
 * from any thread; like every {@link DeviceClock} it never goes backwards, so moving it back is
 * refused. Drivers that simulate time (and test fakes) extend it under names of their own.
 *
 * <p>Experimental: it serves simulation only (the simulator and the testkit), so it may change with
 * them; a driver of real hardware uses {@link DeviceClock#SYSTEM}. It stays in this package because
 * the DRM model and the testkit, which require nothing but the api, extend it.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public class SimulatedClock implements DeviceClock {
  private final AtomicLong now = new AtomicLong();

  @Override
  public final long nanoTime() {
    return now.get();
  }

  /**
   * Moves the clock forward by {@code nanos}.
   *
   * @return the new time
   * @throws CgroupException {@code EINVAL} for a negative step
   */
  public final long advance(long nanos) {
    if (nanos < 0) {
      throw CgroupException.of(Errno.EINVAL, "a device clock never goes backwards: advance(%d)", nanos);
    }
    return now.addAndGet(nanos);
  }

  /** Moves the clock forward to {@code time} if it is behind it; returns the time now. */
  public final long advanceTo(long time) {
    return now.accumulateAndGet(time, Math::max);
  }

  /**
   * Sets the clock to {@code time}.
   *
   * @throws CgroupException {@code EINVAL} if that is earlier than now (nothing changes)
   */
  public final void set(long time) {
    long before = now.getAndAccumulate(time, Math::max);
    if (time < before) {
      throw CgroupException.of(Errno.EINVAL, "a device clock never goes backwards: set(%d) at %d", time, before);
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + now.get() + " ns]";
  }
}
