package io.cgdev.metrics.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * DCGM's {@code GPU_UTIL} for cgdev devices: the busiest engine's share of wall time between two
 * readings of the root's {@code cpu.stat}, in percent (0..100). Engines report time after the fact,
 * so a reading may exceed the interval; it is clamped to 100. With a simulated device clock running
 * faster than the wall clock, a busy device reads 100.
 *
 * <p>Thread-safe: concurrent scrapes share the previous reading (each interval is since the latest
 * scrape of anyone, as DCGM samples independently of its readers).
 */
final class Utilization {
  private record Reading(long nanos, Map<String, Double> usecByEngine, double percent) {}

  private final Map<String, Reading> last = new HashMap<>();

  /**
   * Records a reading and returns the utilization since the previous one, or NaN when there is no
   * previous reading of this device.
   *
   * @param device the device (with its tree) as a key
   * @param nanos the wall clock ({@link System#nanoTime()})
   * @param usecByEngine the root's cumulative usage per engine, in microseconds
   */
  synchronized double update(String device, long nanos, Map<String, Double> usecByEngine) {
    Reading before = last.get(device);
    double percent = Double.NaN;
    if (before != null) {
      long dt = nanos - before.nanos;
      if (dt <= 0) {
        return before.percent;
      }
      double busiest = 0;
      for (Map.Entry<String, Double> e : usecByEngine.entrySet()) {
        Double was = before.usecByEngine.get(e.getKey());
        double delta = e.getValue() - (was == null ? 0 : was);
        busiest = Math.max(busiest, delta);
      }
      percent = Math.min(100.0, busiest * 1000.0 / dt * 100.0);
    }
    last.put(device, new Reading(nanos, Map.copyOf(usecByEngine), percent));
    return percent;
  }

  /** Forgets devices that are gone, so their readings do not pile up. */
  synchronized void retain(java.util.Set<String> devices) {
    last.keySet().retainAll(devices);
  }
}
