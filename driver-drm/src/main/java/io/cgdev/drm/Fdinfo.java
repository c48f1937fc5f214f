package io.cgdev.drm;

import io.cgdev.drm.sim.EngineScheduler;
import io.cgdev.drm.sim.SchedEntity;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * A client's usage stats in the DRM fdinfo format (the kernel's {@code drm_show_fdinfo} and {@code
 * drm_print_memory_stats}, {@code Documentation/gpu/drm-usage-stats.rst}): one {@code key:\tvalue}
 * a line. Stateless; {@link #of} expects the caller to hold the device lock. It is given the values
 * it prints, not the client, so that it depends on no device or file.
 */
final class Fdinfo {
  private static final String[] MEMORY_KEYS = {"total", "shared", "resident", "active"};

  private Fdinfo() {}

  /**
   * Under the device lock: {@code drm-driver}, {@code drm-client-id}, {@code drm-pdev}, per engine
   * class {@code drm-engine-} in ns and {@code drm-engine-capacity-} (only for more than one
   * engine), then per region {@code drm-total-}, {@code drm-shared-}, {@code drm-resident-}, {@code
   * drm-active-}.
   */
  static String of(String driver, String pdev, long clientId, Collection<GemObject> handles, EngineScheduler scheduler,
      SchedEntity entity, Collection<String> regions) {
    StringBuilder sb = new StringBuilder();
    line(sb, "drm-driver", driver);
    line(sb, "drm-client-id", Long.toString(clientId));
    line(sb, "drm-pdev", pdev);
    for (String c : scheduler.engineClasses()) {
      line(sb, "drm-engine-" + c, scheduler.runtime(entity, c) + " ns");
      int engines = scheduler.engineCount(c);
      if (engines > 1) {
        line(sb, "drm-engine-capacity-" + c, Integer.toString(engines));
      }
    }
    Map<String, long[]> mem = new LinkedHashMap<>();
    for (String r : regions) {
      mem.put(r, new long[MEMORY_KEYS.length]);
    }
    for (GemObject o : new LinkedHashSet<>(handles)) {
      long[] m = mem.get(o.region.name());
      m[0] += o.size();
      if (o.handleCount > 1) {
        m[1] += o.size();
      }
      m[2] += o.size(); // every placed object is resident in its region
      if (o.activeCount > 0) {
        m[3] += o.size();
      }
    }
    for (int k = 0; k < MEMORY_KEYS.length; k++) {
      for (Map.Entry<String, long[]> m : mem.entrySet()) {
        line(sb, "drm-" + MEMORY_KEYS[k] + "-" + m.getKey(), size(m.getValue()[k]));
      }
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String key, String value) {
    sb.append(key).append(":\t").append(value).append('\n');
  }

  /** As the kernel prints sizes: the largest of B, KiB, MiB that divides the value exactly. */
  static String size(long bytes) {
    String[] units = {"", " KiB", " MiB"};
    int u = 0;
    while (u < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
      bytes /= 1024;
      u++;
    }
    return bytes + units[u];
  }
}
