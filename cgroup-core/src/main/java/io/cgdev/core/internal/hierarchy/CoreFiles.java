package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Keyed;
import io.cgdev.api.Numbers;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The core interface files every cgroup has (the kernel's cgroup_base_files), declared with the same
 * {@link CgroupFile} type controllers use, keyed by full name ({@code cgroup.procs}). Readers run
 * without the lock; writers run under it (the file view takes it).
 */
public final class CoreFiles {
  /** The prefix of core file names. */
  public static final String PREFIX = "cgroup.";

  /** The full names of the core files, known before any hierarchy exists (they are reserved names). */
  public static final Set<String> NAMES = Set.of("cgroup.procs", "cgroup.controllers", "cgroup.subtree_control",
      "cgroup.events", "cgroup.max.depth", "cgroup.max.descendants", "cgroup.stat");

  private final Hierarchy hierarchy;
  private final Map<String, CgroupFile<Cgroup>> files;

  public CoreFiles(Hierarchy hierarchy) {
    this.hierarchy = hierarchy;
    Map<String, CgroupFile<Cgroup>> m = new LinkedHashMap<>();
    add(m, CgroupFile.readWrite("procs", this::readProcs, this::writeProcs));
    ControllerTable controllers = hierarchy.controllers();
    add(m, CgroupFile.readOnly("controllers", (c, h) -> line(controllers.names(c.visibleMask()))));
    add(m, CgroupFile.readWrite("subtree_control", (c, h) -> line(controllers.names(c.subtreeControl())),
        (c, v, h) -> hierarchy.writeSubtreeControl(c, v)));
    add(m, CgroupFile.readOnly("events", (c, h) -> Keyed.flat().put("populated", c.populated() ? 1 : 0).put("frozen", 0).toString()));
    add(m, CgroupFile.readWrite("max.depth", (c, h) -> Numbers.formatMaxOrCount(c.maxDepth()) + "\n",
        (c, v, h) -> hierarchy.maxDepth(c, parseLimit(v, "cgroup.max.depth"))));
    add(m, CgroupFile.readWrite("max.descendants", (c, h) -> Numbers.formatMaxOrCount(c.maxDescendants()) + "\n",
        (c, v, h) -> hierarchy.maxDescendants(c, parseLimit(v, "cgroup.max.descendants"))));
    add(m, CgroupFile.readOnly("stat", this::readStat));
    if (!m.keySet().equals(NAMES)) {
      throw new IllegalStateException("NAMES is out of date: " + m.keySet());
    }
    this.files = Collections.unmodifiableMap(m);
  }

  private static void add(Map<String, CgroupFile<Cgroup>> m, CgroupFile<Cgroup> f) {
    m.put(PREFIX + f.name(), f);
  }

  /** The files by full name, in the kernel's order. */
  public Map<String, CgroupFile<Cgroup>> files() {
    return files;
  }

  private static String line(Iterable<String> names) {
    return String.join(" ", names) + "\n";
  }

  /** {@code max} or a count that fits an int, like the kernel's limits. */
  static long parseLimit(String value, String what) {
    long v = Numbers.parseMaxOrCount(value, what);
    if (v != Long.MAX_VALUE && v > Integer.MAX_VALUE) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' out of range 0..%d", what, value, Integer.MAX_VALUE);
    }
    return v;
  }

  private String readProcs(Cgroup c, FileHandle h) {
    ModelTask[] tasks = c.tasks();
    StringBuilder sb = new StringBuilder(tasks.length * 6);
    for (ModelTask t : tasks) {
      sb.append(t.pid()).append('\n');
    }
    return sb.toString();
  }

  private void writeProcs(Cgroup c, String value, FileHandle h) {
    long pid = Numbers.parseLong(value, "pid");
    if (pid < 0) {
      throw CgroupException.of(Errno.EINVAL, "invalid pid '%s' written to %s/cgroup.procs", value, c);
    }
    if (pid == 0) {
      if (h.callerPid() == 0) {
        throw CgroupException.of(Errno.ESRCH, "writing 0 to %s/cgroup.procs moves the writer, but the opener is not a task", c);
      }
      pid = h.callerPid();
    }
    if (pid > Integer.MAX_VALUE) {
      throw CgroupException.of(Errno.ESRCH, "no task with pid %d", pid);
    }
    hierarchy.migrate((int) pid, c);
  }

  private String readStat(Cgroup c, FileHandle h) {
    hierarchy.pollDying();
    return Keyed.flat().put("nr_descendants", c.nrDescendants()).put("nr_dying_descendants", c.nrDyingDescendants()).toString();
  }
}
