package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.DeviceClock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated device clock in nanoseconds, starting at 0, that moves only when {@link #advance} is
 * called. Readable from any thread; never goes backwards.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class SimClock implements DeviceClock {
  private final AtomicLong now = new AtomicLong();

  @Override
  public long nanoTime() {
    return now.get();
  }

  /**
   * Moves the clock forward.
   *
   * @throws CgroupException {@code EINVAL} for a negative step
   */
  public long advance(long nanos) {
    if (nanos < 0) {
      throw CgroupException.of(Errno.EINVAL, "clock step must not be negative, got %d", nanos);
    }
    return now.addAndGet(nanos);
  }

  /** Moves the clock forward to {@code time} if it is behind it. */
  public void advanceTo(long time) {
    now.accumulateAndGet(time, Math::max);
  }
}
