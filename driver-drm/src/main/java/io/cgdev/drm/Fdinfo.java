package io.cgdev.drm;

import io.cgdev.drm.sim.EngineScheduler;
import io.cgdev.drm.sim.SchedEntity;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client's usage stats in the DRM fdinfo format, printed as the kernel prints them ({@code
 * Documentation/gpu/drm-usage-stats.rst}): the DRM core's {@code drm_show_fdinfo} lines ({@code
 * drm-driver}, {@code drm-client-id}, {@code drm-pdev}), then the driver's: per region, in region
 * order, {@code drm_print_memory_stats} ({@code drm-total-}, {@code drm-shared-}, and {@code
 * drm-active-}, {@code drm-resident-}, {@code drm-purgeable-} as far as the driver supports them),
 * then per engine class in the driver's order {@code drm-engine-<class>: <ns> ns} and, for classes of
 * more than one engine, {@code drm-engine-capacity-<class>} (as i915's {@code show_client_class}).
 * One {@code key:\tvalue} a line. Stateless; {@link #of} expects the caller to hold the device lock.
 */
final class Fdinfo {
  private Fdinfo() {}

  /**
   * Under the device lock.
   *
   * @param regions the device's region names, in region order
   * @param classes the engine classes in the order the driver prints them
   * @param status the memory stats the driver supports beyond total and shared
   */
  static String of(String driver, String pdev, long clientId, Collection<GemObject> handles, EngineScheduler scheduler,
      SchedEntity entity, Collection<String> regions, List<String> classes, Set<DrmDriver.MemoryStatus> status) {
    StringBuilder sb = new StringBuilder();
    line(sb, "drm-driver", driver);
    line(sb, "drm-client-id", Long.toString(clientId));
    line(sb, "drm-pdev", pdev);
    Map<String, long[]> mem = new LinkedHashMap<>();
    for (String r : regions) {
      mem.put(r, new long[5]); // private, shared, active, resident, purgeable
    }
    for (GemObject o : new LinkedHashSet<>(handles)) {
      long[] m = mem.get(o.region.name());
      boolean shared = o.handleCount > 1 || o.dmaBufs > 0; // drm_gem_object_is_shared_for_memory_stats
      m[shared ? 1 : 0] += o.size();
      m[3] += o.size(); // every placed object has its pages
      if (o.activeCount > 0) {
        m[2] += o.size();
      }
      // purgeable: no object is marked DONTNEED in the model
    }
    for (Map.Entry<String, long[]> e : mem.entrySet()) {
      String r = e.getKey();
      long[] m = e.getValue();
      line(sb, "drm-total-" + r, size(m[0] + m[1]));
      line(sb, "drm-shared-" + r, size(m[1]));
      if (status.contains(DrmDriver.MemoryStatus.ACTIVE)) {
        line(sb, "drm-active-" + r, size(m[2]));
      }
      if (status.contains(DrmDriver.MemoryStatus.RESIDENT)) {
        line(sb, "drm-resident-" + r, size(m[3]));
      }
      if (status.contains(DrmDriver.MemoryStatus.PURGEABLE)) {
        line(sb, "drm-purgeable-" + r, size(m[4]));
      }
    }
    for (String c : classes) {
      int engines = scheduler.engineCount(c);
      if (engines == 0) {
        continue;
      }
      line(sb, "drm-engine-" + c, scheduler.runtime(entity, c) + " ns");
      if (engines > 1) {
        line(sb, "drm-engine-capacity-" + c, Integer.toString(engines));
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
