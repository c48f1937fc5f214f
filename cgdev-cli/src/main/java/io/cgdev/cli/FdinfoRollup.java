package io.cgdev.cli;

import io.cgdev.sim.ScenarioRunner.Client;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code cgdev fdinfo --by-cgroup}: the DRM clients' usage stats summed per cgroup and device, what
 * nvtop or gputop users ask for. Each client counts in its cgroup and in every ancestor (as {@code
 * memory.current} does), so a cgroup's block is its whole subtree. Parsing follows
 * Documentation/gpu/drm-usage-stats.rst: {@code key:<white space>value[ unit]} lines; {@code
 * drm-engine-<class>} ({@code ns}), {@code drm-cycles-}/{@code drm-total-cycles-} and the memory
 * keys ({@code drm-total-}, {@code drm-shared-}, {@code drm-resident-}, {@code drm-active-}, {@code
 * drm-purgeable-<region>}; B, KiB, MiB, GiB) are summed; {@code drm-engine-capacity-<class>} is the
 * device's, kept as is; {@code drm-client-id} is replaced by {@code drm-clients} (how many). Output:
 * a {@code # <cgroup> <drm-pdev>} header and the keys in the order the clients printed them, sizes in
 * the kernel's form (the largest of B/KiB/MiB that divides the value, as {@code drm_fdinfo_print_size}).
 * Stateless.
 */
final class FdinfoRollup {
  private static final String[] UNITS = {"", "KiB", "MiB"};
  private static final List<String> MEMORY_KEYS =
      List.of("drm-total-", "drm-shared-", "drm-resident-", "drm-active-", "drm-purgeable-");

  private FdinfoRollup() {}

  /** One cgroup and device's sums, keys in first-seen order. */
  private static final class Sums {
    int clients;
    final Map<String, String> fixed = new LinkedHashMap<>();
    final Map<String, long[]> summed = new LinkedHashMap<>(); // value, kind (0 plain, 1 ns, 2 bytes)
    final List<String> order = new ArrayList<>();
  }

  static String of(List<Client> clients) {
    Map<String, Map<String, Sums>> byCgroup = new TreeMap<>();
    for (Client c : clients) {
      Map<String, String> kv = parse(c.fdinfo());
      String pdev = kv.getOrDefault("drm-pdev", "?");
      for (String cg : selfAndAncestors(c.cgroup())) {
        Sums s = byCgroup.computeIfAbsent(cg, k -> new TreeMap<>()).computeIfAbsent(pdev, k -> new Sums());
        s.clients++;
        add(s, kv);
      }
    }
    StringBuilder sb = new StringBuilder();
    byCgroup.forEach((cg, devices) -> devices.forEach((pdev, s) -> {
      sb.append("# ").append(cg).append(' ').append(pdev).append('\n');
      for (String key : s.order) {
        if (key.equals("drm-client-id")) {
          sb.append("drm-clients:\t").append(s.clients).append('\n');
        } else if (s.fixed.containsKey(key)) {
          sb.append(key).append(":\t").append(s.fixed.get(key)).append('\n');
        } else {
          long[] v = s.summed.get(key);
          sb.append(key).append(":\t").append(format(v[0], (int) v[1])).append('\n');
        }
      }
      sb.append('\n');
    }));
    return sb.toString();
  }

  /** The cgroup and its ancestors up to the root, e.g. /a/b, /a, /. */
  static List<String> selfAndAncestors(String cgroup) {
    List<String> out = new ArrayList<>();
    String p = cgroup.isEmpty() ? "/" : cgroup;
    out.add(p);
    while (!p.equals("/")) {
      int i = p.lastIndexOf('/');
      p = i == 0 ? "/" : p.substring(0, i);
      out.add(p);
    }
    return out;
  }

  /** {@code key: value} lines as drm-usage-stats defines them; other lines are skipped. */
  static Map<String, String> parse(String fdinfo) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : fdinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0 || !line.startsWith("drm-")) {
        continue;
      }
      kv.putIfAbsent(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    return kv;
  }

  private static void add(Sums s, Map<String, String> kv) {
    for (Map.Entry<String, String> e : kv.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (!s.order.contains(key)) {
        s.order.add(key);
      }
      if (key.equals("drm-client-id")) {
        continue;
      }
      long[] parsed = summable(key, value);
      if (parsed == null) {
        s.fixed.putIfAbsent(key, value);
      } else {
        long[] sum = s.summed.computeIfAbsent(key, k -> new long[] {0, parsed[1]});
        sum[0] += parsed[0];
      }
    }
  }

  /** {value, kind} for a summed key, null for a key kept as the first client printed it. */
  private static long[] summable(String key, String value) {
    if (key.startsWith("drm-engine-capacity-") || key.equals("drm-driver") || key.equals("drm-pdev")) {
      return null;
    }
    String[] f = value.split("\\s+");
    long n;
    try {
      n = Long.parseLong(f[0]);
    } catch (NumberFormatException e) {
      return null;
    }
    boolean size = MEMORY_KEYS.stream().anyMatch(key::startsWith); // bytes print without a unit
    if (f.length == 1) {
      return new long[] {n, size ? 2 : 0};
    }
    return switch (f[1]) {
      case "ns" -> new long[] {n, 1};
      case "B" -> new long[] {n, 2};
      case "KiB" -> new long[] {n << 10, 2};
      case "MiB" -> new long[] {n << 20, 2};
      case "GiB" -> new long[] {n << 30, 2};
      default -> null;
    };
  }

  private static String format(long v, int kind) {
    return switch (kind) {
      case 1 -> v + " ns";
      case 2 -> size(v);
      default -> Long.toString(v);
    };
  }

  /** drm_fdinfo_print_size: the largest unit up to MiB that divides the value. */
  static String size(long bytes) {
    int u = 0;
    long v = bytes;
    while (u < UNITS.length - 1 && v != 0 && v % 1024 == 0) {
      v /= 1024;
      u++;
    }
    return v + (UNITS[u].isEmpty() ? "" : " " + UNITS[u]);
  }
}
