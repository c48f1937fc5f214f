package io.cgdev.testkit;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.DeviceClock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated device clock that moves only when the test moves it; give it to {@link
 * io.cgdev.api.spi.DeviceSpec.Builder#clock}. Starts at 0. Read from any thread; like every {@link
 * DeviceClock} it never goes backwards, so moving it back is refused.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class FakeClock implements DeviceClock {
  private final AtomicLong now = new AtomicLong();

  @Override
  public long nanoTime() {
    return now.get();
  }

  /**
   * Moves the clock forward by {@code nanos}; returns the new time.
   *
   * @throws IllegalArgumentException for a negative step
   */
  public long advance(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("a device clock never goes backwards: advance(" + nanos + ")");
    }
    return now.addAndGet(nanos);
  }

  /**
   * Sets the clock to {@code nanos}.
   *
   * @throws IllegalArgumentException if that is earlier than now
   */
  public void set(long nanos) {
    long before = now.getAndAccumulate(nanos, Math::max);
    if (nanos < before) {
      throw new IllegalArgumentException("a device clock never goes backwards: set(" + nanos + ") at " + before);
    }
  }

  @Override
  public String toString() {
    return "FakeClock[" + now.get() + " ns]";
  }
}
