package io.cgdev.controller.cpu;

import io.cgdev.api.spi.TimeSharing;
import io.cgdev.testkit.FakeClock;
import io.cgdev.testkit.TestBinding;
import java.util.Random;

/**
 * A simulated saturated device: every step, each engine asks for the next client, "runs" it for one
 * slice and reports the time; then the simulated clock advances by the slice. When no engine found
 * anything to run the clock jumps to {@link TimeSharing#nextUnthrottle()} (or one slice on).
 */
final class EngineSim {
  private final FakeClock clock;
  private final TimeSharing ts;
  private final int engines;
  private final long minSlice;
  private final long maxSlice;
  private final Random random;
  long decisions;

  /** Slices drawn uniformly from [minSlice, maxSlice] with a seeded generator. */
  EngineSim(FakeClock clock, TestBinding<CpuState> gpu, long minSlice, long maxSlice, long seed) {
    this(clock, gpu.capability(TimeSharing.class).orElseThrow(), gpu.spec().engines().size(), minSlice, maxSlice, seed);
  }

  /** A device of {@code engines} engines driven through any {@link TimeSharing}. */
  EngineSim(FakeClock clock, TimeSharing ts, int engines, long minSlice, long maxSlice, long seed) {
    this.clock = clock;
    this.ts = ts;
    this.engines = engines;
    this.minSlice = minSlice;
    this.maxSlice = maxSlice;
    this.random = new Random(seed);
  }

  /** Runs until the clock has advanced by {@code duration} nanoseconds. */
  void run(long duration) {
    long end = clock.nanoTime() + duration;
    TimeSharing.Client[] picked = new TimeSharing.Client[engines];
    while (clock.nanoTime() < end) {
      long slice = minSlice == maxSlice ? minSlice : minSlice + (long) (random.nextDouble() * (maxSlice - minSlice));
      slice = Math.min(slice, end - clock.nanoTime());
      boolean any = false;
      for (int e = 0; e < engines; e++) {
        picked[e] = ts.pickNext(e);
        if (picked[e] != null) {
          picked[e].ran(e, slice);
          decisions++;
          any = true;
        }
      }
      if (any) {
        clock.advance(slice);
      } else {
        long next = ts.nextUnthrottle();
        long now = clock.nanoTime();
        clock.set(next != Long.MAX_VALUE && next > now ? Math.min(next, end) : Math.min(now + slice, end));
      }
    }
  }
}
