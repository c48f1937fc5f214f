package io.cgdev.tck;

import io.cgdev.api.CgroupFs;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * One quantity a driver's allocation charges, as a user reads it in the file view: a controller's
 * per-device {@code current}, {@code max} and {@code events} files. The kit reads every meter a
 * {@link DriverUnderTest} names before and after each allocation, so a driver that charges bytes
 * ({@link #bytes}: memory), objects ({@link #count}: e.g. the sample {@code gem} controller), or both
 * is checked against the same policy.
 *
 * <p>Files may show one value ({@code 4096\n}, {@code max\n}) or one line per region: {@code <key>
 * <value>} for single values, {@code <key> sub=value ...} for keyed ones; {@link #key} picks the line
 * (ignored when the file shows one value). Immutable; thread-safe.
 *
 * @param controller the controller whose files meter the charge, e.g. {@code memory}
 * @param device the registration the charge goes to, e.g. {@code i915.0}
 * @param key the region or other line key in multi-line files, or {@code null} if the files show one value
 * @param current the usage file, e.g. {@code memory.current}
 * @param max the limit file, e.g. {@code memory.max}, or {@code null} if the controller has none
 * @param events the events file with a {@code max} counter, e.g. {@code memory.events}, or {@code null}
 * @param perAllocation what one allocation of the given bytes adds to {@link #current}
 * @param evictable true if the driver can make room under this meter's limit by evicting an idle
 *     allocation (e.g. moving it to system memory), so that a second allocation over the limit
 *     succeeds; false if the memory is pinned or the driver has no reclaimer, so that it fails
 */
public record Meter(
    String controller,
    String device,
    String key,
    String current,
    String max,
    String events,
    LongUnaryOperator perAllocation,
    boolean evictable) {

  public Meter {
    Objects.requireNonNull(controller, "controller");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(perAllocation, "perAllocation");
  }

  /**
   * Bytes of a memory region, metered by the memory controller's {@code memory.current}, {@code
   * memory.max} and {@code memory.events}; not evictable.
   */
  public static Meter bytes(String device, String region) {
    return new Meter("memory", device, region, "memory.current", "memory.max", "memory.events",
        LongUnaryOperator.identity(), false);
  }

  /**
   * Objects counted one per allocation by a controller with {@code <c>.current}, {@code <c>.max}
   * and {@code <c>.events} files (e.g. {@code gem}).
   */
  public static Meter count(String controller, String device) {
    return new Meter(controller, device, null, controller + ".current", controller + ".max",
        controller + ".events", bytes -> 1, false);
  }

  /** This meter, with the driver able to evict under its limit. */
  public Meter withEviction() {
    return new Meter(controller, device, key, current, max, events, perAllocation, true);
  }

  /**
   * Whether an allocation in {@code region} charges this meter: a meter keyed by a region meters that
   * region only; one without a key (an object count) meters every allocation.
   */
  public boolean appliesTo(String region) {
    return key == null || key.equals(region);
  }

  /** What one allocation of {@code bytes} adds to this meter. */
  public long charge(long bytes) {
    return perAllocation.applyAsLong(bytes);
  }

  /** The folder of this meter's files in a cgroup, ending in {@code /}. */
  public String folder(String cgroup) {
    return (cgroup.equals("/") ? "" : cgroup) + "/" + controller + ".devices/" + device + "/";
  }

  /** The usage of a cgroup, read from {@link #current}. */
  public long read(CgroupFs fs, String cgroup) {
    String path = folder(cgroup) + current;
    return parse(path, value(fs.read(path), key, null));
  }

  /** A counter of {@link #events} in a cgroup, e.g. {@code max}; 0 if the meter has no events file. */
  public long event(CgroupFs fs, String cgroup, String name) {
    if (events == null) {
      return 0;
    }
    String path = folder(cgroup) + events;
    String content = fs.read(path);
    return parse(path, content.contains("=") ? value(content, key, name) : value(content, name, null));
  }

  /** What to write to {@link #max} so that it holds {@code limit}, given what it reads now. */
  public String limitWrite(String maxContent, long limit) {
    boolean keyed = maxContent.strip().contains(" ") || maxContent.strip().contains("\n");
    return keyed ? key + " " + limit : Long.toString(limit);
  }

  private static long parse(String path, String value) {
    if (value == null) {
      throw new AssertionError(path + ": no such value");
    }
    if (value.equals("max")) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new AssertionError(path + ": '" + value + "' is not a number", e);
    }
  }

  /**
   * The value in file content: the content itself if it is one value; else the line whose first
   * field is {@code lineKey}, its second field, or its {@code sub=} field if {@code sub} is given.
   *
   * @return null if there is no such line or field
   */
  static String value(String content, String lineKey, String sub) {
    String stripped = content.strip();
    if (!stripped.isEmpty() && !stripped.contains("\n") && !stripped.contains(" ")) {
      return stripped;
    }
    for (String line : stripped.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 2 || !f[0].equals(lineKey)) {
        continue;
      }
      if (sub == null) {
        return f.length == 2 ? f[1] : null;
      }
      for (int i = 1; i < f.length; i++) {
        if (f[i].startsWith(sub + "=")) {
          return f[i].substring(sub.length() + 1);
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return controller + ".devices/" + device + "/" + current + (key == null ? "" : " [" + key + "]");
  }
}
