package io.cgdev.sim;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;

/**
 * Reads a tenant's per-device files of the scenario's device, as a user of the file view would,
 * for the samples and the report: single values (memcg's shapes: {@code 4096}, {@code max}) and
 * {@code usage_usec} of {@code cpu.stat}. A file that does not exist (the controller does not govern
 * the device) reads as the given default. Simulating thread only.
 */
final class TenantFiles {
  private final CgroupFs fs;
  private final String device;

  /** @param device the device whose folders are read */
  TenantFiles(CgroupFs fs, String device) {
    this.fs = fs;
    this.device = device;
  }

  /** A per-device file of a cgroup, e.g. {@code /a/memory.devices/i915.0/memory.current}. */
  String file(String cgroup, String controller, String name) {
    return (cgroup.equals("/") ? "" : cgroup) + "/" + controller + ".devices/" + device + "/" + controller + "." + name;
  }

  /** The content of a per-device file; throws as the file view does. */
  String read(String cgroup, String controller, String name) {
    return fs.read(file(cgroup, controller, name));
  }

  /** A single-value file's number ({@code max} is {@link ByteSize#MAX}), or {@code dflt} where there is none. */
  long readLong(String cgroup, String controller, String name, long dflt) {
    try {
      String s = read(cgroup, controller, name).strip();
      return s.equals("max") ? ByteSize.MAX : Long.parseLong(s);
    } catch (CgroupException | NumberFormatException e) {
      return dflt;
    }
  }

  /** {@code usage_usec} of the cgroup's {@code cpu.stat}; 0 without a cpu controller for the device. */
  long usageUsec(String cgroup) {
    String stat;
    try {
      stat = read(cgroup, "cpu", "stat");
    } catch (CgroupException e) {
      return 0;
    }
    // the first line by the file's format; looked for by name all the same, without a regex per read
    String key = "usage_usec ";
    for (int at = 0; at < stat.length(); ) {
      int end = stat.indexOf('\n', at);
      if (end < 0) {
        end = stat.length();
      }
      if (stat.startsWith(key, at)) {
        try {
          return Long.parseLong(stat, at + key.length(), end, 10);
        } catch (NumberFormatException e) {
          return 0;
        }
      }
      at = end + 1;
    }
    return 0;
  }
}
