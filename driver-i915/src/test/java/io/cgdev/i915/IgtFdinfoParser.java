package io.cgdev.i915;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * igt-gpu-tools' fdinfo parser (lib/igt_drm_fdinfo.c, {@code __igt_parse_drm_fdinfo}) with the same
 * rules, written again in Java for the tests: it sees only what one {@code read(fd, buf, 4095)}
 * returns, with the last byte read overwritten by the terminating NUL; it splits lines with {@code
 * strtok} (empty lines vanish); it checks {@code drm-engine-capacity-} before {@code drm-engine-};
 * with a name map it takes the first entry whose first {@code name_len} characters equal the
 * printed name's ({@code strncmp} with the printed name's length, so {@code video} matches an entry
 * {@code video-enhance} placed before {@code video}); a value is read from two characters after the
 * colon ({@code strtoull}, which skips blanks), and sizes may end in {@code KiB}, {@code MiB} or
 * {@code GiB}. Without a map, names are collected in order of appearance.
 */
final class IgtFdinfoParser {
  static final int MAX = 16;

  /** What the parser fills in (igt's {@code struct drm_client_fdinfo}). */
  static final class Info {
    String driver = "";
    String pdev = "";
    long id;
    int numEngines;
    final String[] engineNames = new String[MAX];
    final long[] busy = new long[MAX];
    final long[] capacity = new long[MAX];
    int numRegions;
    final String[] regionNames = new String[MAX];
    final long[][] regionMem = new long[MAX][5]; // total, shared, resident, purgeable, active
    int result;
  }

  static final int TOTAL = 0;
  static final int SHARED = 1;
  static final int RESIDENT = 2;
  static final int PURGEABLE = 3;
  static final int ACTIVE = 4;

  private IgtFdinfoParser() {}

  static Info parse(String fdinfo, String[] engineMap, String[] regionMap) {
    Info info = new Info();
    byte[] all = fdinfo.getBytes(StandardCharsets.UTF_8);
    int count = Math.min(all.length, 4095);
    if (count == 0) {
      return info;
    }
    byte[] buf = Arrays.copyOf(all, count);
    buf[count - 1] = 0; // the last byte read becomes the string's end
    int len = 0;
    while (len < count && buf[len] != 0) {
      len++;
    }
    String text = new String(buf, 0, len, StandardCharsets.UTF_8);
    boolean[] regionsFound = new boolean[MAX];
    int good = 0;
    int numCapacity = 0;
    for (String l : text.split("\n")) {
      if (l.isEmpty()) {
        continue; // strtok skips empty tokens
      }
      long[] val = new long[1];
      if (l.startsWith("drm-driver:")) {
        String v = l.substring("drm-driver:".length()).stripLeading();
        if (!v.isEmpty()) {
          info.driver = v;
          good++;
        }
      } else if (l.startsWith("drm-client-id:")) {
        String v = l.substring("drm-client-id:".length()).strip();
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
          info.id = Long.parseLong(v);
          good++;
        }
      } else if (l.startsWith("drm-pdev:")) {
        info.pdev = l.substring("drm-pdev:".length()).stripLeading();
      } else if (l.startsWith("drm-engine-capacity-")) {
        int idx = engine(l.substring("drm-engine-capacity-".length()), info, engineMap, val);
        if (idx >= 0) {
          info.capacity[idx] = val[0];
          numCapacity++;
        }
      } else if (l.startsWith("drm-engine-")) {
        int idx = engine(l.substring("drm-engine-".length()), info, engineMap, val);
        if (idx >= 0) {
          if (info.capacity[idx] == 0) {
            info.capacity[idx] = 1;
          }
          info.busy[idx] = val[0];
          info.numEngines++;
        }
      } else {
        String[] keys = {"drm-total-", "drm-shared-", "drm-resident-", "drm-purgeable-", "drm-active-"};
        for (int k = 0; k < keys.length; k++) {
          if (l.startsWith(keys[k])) {
            int idx = region(l.substring(keys[k].length()), info, regionMap, val);
            if (idx >= 0) {
              info.regionMem[idx][k] = val[0];
              if (!regionsFound[idx]) {
                info.numRegions++;
                regionsFound[idx] = true;
              }
            }
            break;
          }
        }
      }
    }
    info.result = good < 2 || (info.numEngines == 0 && info.numRegions == 0) ? 0 : good + info.numEngines + numCapacity + info.numRegions;
    return info;
  }

  private static int engine(String name, Info info, String[] map, long[] val) {
    int colon = name.indexOf(':');
    if (colon < 1) {
      return -1;
    }
    int found = find(name, colon, map, info.engineNames, info.numEngines);
    if (found >= 0) {
      val[0] = number(name, colon + 2);
    }
    return found;
  }

  private static int region(String name, Info info, String[] map, long[] val) {
    int colon = name.indexOf(':');
    if (colon < 1) {
      return -1;
    }
    int found = find(name, colon, map, info.regionNames, info.numRegions);
    if (found < 0) {
      return -1;
    }
    int at = colon + 2;
    int end = at;
    while (end < name.length() && Character.isDigit(name.charAt(end))) {
      end++;
    }
    long v = end > at ? Long.parseLong(name.substring(at, end)) : 0;
    String unit = name.substring(end).strip();
    v *= switch (unit) {
      case "KiB" -> 1024L;
      case "MiB" -> 1024L * 1024;
      case "GiB" -> 1024L * 1024 * 1024;
      default -> 1;
    };
    val[0] = v;
    return found;
  }

  /** The index of the printed name: the first map entry matching its first {@code nameLen} characters, or by appearance. */
  private static int find(String name, int nameLen, String[] map, String[] names, int known) {
    String printed = name.substring(0, nameLen);
    if (map != null) {
      for (int i = 0; i < map.length; i++) {
        // strncmp(name, map[i], nameLen) == 0: the first nameLen characters agree, a shorter entry's end never does
        if (map[i].length() >= nameLen && map[i].startsWith(printed)) {
          names[i] = printed;
          return i;
        }
      }
      return -1;
    }
    for (int i = 0; i < known; i++) {
      if (printed.equals(names[i])) {
        return i;
      }
    }
    names[known] = printed;
    return known;
  }

  private static long number(String s, int at) {
    int i = at;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    int start = i;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    return i > start ? Long.parseLong(s.substring(start, i)) : 0;
  }
}
