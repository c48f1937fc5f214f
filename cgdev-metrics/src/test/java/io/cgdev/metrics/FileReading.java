package io.cgdev.metrics;

import io.cgdev.api.CgroupFs;
import io.cgdev.metrics.Scrapes.Sample;

/**
 * What a sample should say, read from its file with plain string splitting (independent of the
 * collector's reader): the test's side of "values against the files".
 */
final class FileReading {
  private FileReading() {}

  static double expected(CgroupFs fs, Sample s) {
    String name = s.name();
    String cgroup = s.label("cgroup");
    String dir = (cgroup.equals("/") ? "" : cgroup) + "/" + (name.startsWith("cgdev_cpu_") ? "cpu" : "memory")
        + ".devices/" + s.label("device") + "/";
    return switch (name) {
      case "cgdev_memory_events_total" -> keyed(fs.read(dir + "memory.events"), s.label("region"), s.label("event"));
      case "cgdev_memory_swap_events_total" -> keyed(fs.read(dir + "memory.swap.events"), s.label("region"), s.label("event"));
      case "cgdev_cpu_usage_seconds_total" -> keyed(fs.read(dir + "cpu.stat"), null, "usage_usec") / 1e6;
      case "cgdev_cpu_engine_usage_seconds_total" -> keyed(fs.read(dir + "cpu.stat"), null, "usage_usec." + s.label("engine")) / 1e6;
      case "cgdev_cpu_throttled_seconds_total" -> keyed(fs.read(dir + "cpu.stat"), null, "throttled_usec") / 1e6;
      case "cgdev_cpu_periods_total" -> keyed(fs.read(dir + "cpu.stat"), null, "nr_periods");
      case "cgdev_cpu_throttled_periods_total" -> keyed(fs.read(dir + "cpu.stat"), null, "nr_throttled");
      case "cgdev_cpu_weight" -> single(fs.read(dir + "cpu.weight"), null);
      default -> {
        if (!name.startsWith("cgdev_memory_") || !name.endsWith("_bytes")) {
          throw new AssertionError("no file known for " + s);
        }
        String file = "memory." + name.substring("cgdev_memory_".length(), name.length() - "_bytes".length()).replace('_', '.');
        yield single(fs.read(dir + file), s.label("region"));
      }
    };
  }

  private static double number(String v) {
    return v.equals("max") ? Double.POSITIVE_INFINITY : Long.parseLong(v);
  }

  /** A bare value, or the value on the line of {@code region}. */
  static double single(String text, String region) {
    for (String line : text.strip().split("\n")) {
      String[] w = line.strip().split("\\s+");
      if (region == null && w.length == 1) {
        return number(w[0]);
      }
      if (region != null && w.length == 2 && w[0].equals(region)) {
        return number(w[1]);
      }
    }
    throw new AssertionError("no value for region " + region + " in '" + text + "'");
  }

  /** A flat keyed value, or a nested one on the line of {@code group}. */
  static double keyed(String text, String group, String key) {
    for (String line : text.strip().split("\n")) {
      String[] w = line.strip().split("\\s+");
      if (group == null && w.length == 2 && w[0].equals(key)) {
        return number(w[1]);
      }
      if (group != null && w[0].equals(group)) {
        for (int i = 1; i < w.length; i++) {
          if (w[i].startsWith(key + "=")) {
            return number(w[i].substring(key.length() + 1));
          }
        }
      }
    }
    throw new AssertionError("no " + key + " (group " + group + ") in '" + text + "'");
  }
}
