package io.cgdev.osgi.host;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Task;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DrmFile;
import io.cgdev.i915.I915Driver;
import java.io.PrintStream;

/**
 * The demo run inside OSGi: a tenant cgroup with a local-memory limit on the i915 device, a task
 * that allocates GEM objects until the limit (after eviction to system memory) refuses, and the
 * files that show it. Only through the public API, as any bundle would.
 */
final class Demo {
  private static final long MIB = 1024 * 1024;

  private Demo() {}

  static void run(Cgroups cgroups, PrintStream out) {
    CgroupFs fs = cgroups.fs();
    out.println("controllers: " + cgroups.controllers() + ", devices: " + cgroups.devices());
    I915Driver i915 = cgroups.driver(I915Driver.class).orElse(null);
    if (i915 == null || i915.devices().isEmpty()) {
      out.println("no i915 device: is the io.cgdev.i915 bundle active?");
      return;
    }
    String device = i915.devices().getFirst().name();
    String dir = "/tenant/memory.devices/" + device + "/";
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/tenant");
    fs.write(dir + "memory.max", "64M");
    fs.write(dir + "memory.swap.max", "32M");
    out.println("$ cat " + dir + "memory.max\n" + fs.read(dir + "memory.max"));
    Task task = cgroups.tasks().spawn("trainer", CgroupPath.parse("/tenant"));
    try (DrmFile file = i915.device(device).open(task)) {
      for (int i = 1; i <= 16; i++) {
        try {
          file.createGem(16 * MIB, "local0");
          out.println("gem #" + i + " (16M in local0): ok");
        } catch (CgroupException e) {
          out.println("gem #" + i + " (16M in local0): " + e);
          break;
        }
      }
      out.println("$ cat " + dir + "memory.current\n" + fs.read(dir + "memory.current"));
      out.println("$ cat " + dir + "memory.swap.current\n" + fs.read(dir + "memory.swap.current"));
      out.println("$ cat " + dir + "memory.events\n" + fs.read(dir + "memory.events"));
    }
    out.println("after close, memory.current:\n" + fs.read(dir + "memory.current"));
    cgroups.tasks().exit(task.pid());
    fs.rmdir("/tenant");
  }
}
