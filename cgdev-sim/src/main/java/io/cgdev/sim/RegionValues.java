package io.cgdev.sim;

import io.cgdev.api.Keyed;
import java.util.Map;

/**
 * Reads one region's value out of a per-device memory file. A device with one region shows plain
 * values ({@code 4096}); one with several shows a line per region ({@code smem 0\nlmem0 4096}, or
 * nested keyed {@code lmem0 low=0 high=0 ...} for events).
 */
final class RegionValues {
  private RegionValues() {}

  /** The value for {@code region}, or the single value; {@code null} if the region has no line. */
  static String value(String content, String region) {
    String s = content.strip();
    if (!s.contains(" ") && !s.contains("\n")) {
      return s;
    }
    for (String line : s.split("\n")) {
      String[] f = line.strip().split("\\s+", 2);
      if (f.length == 2 && f[0].equals(region)) {
        return f[1];
      }
    }
    return null;
  }

  /** The sub-values of {@code region} in a nested keyed file, or the flat keys of a single-region one. */
  static Map<String, String> keyed(String content, String region) {
    String s = content.strip();
    for (String line : s.split("\n")) {
      if (line.startsWith(region + " ") && line.contains("=")) {
        return Keyed.parseNestedLine(line).getValue();
      }
    }
    return s.contains("=") ? Map.of() : Keyed.parseFlat(s);
  }
}
