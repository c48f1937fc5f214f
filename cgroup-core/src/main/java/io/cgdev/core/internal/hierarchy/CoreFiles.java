package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Keyed;
import io.cgdev.api.Numbers;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.FileHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The core interface files every cgroup has (the kernel's cgroup_base_files), declared with the same
 * {@link CgroupFile} type controllers use, keyed by full name ({@code cgroup.procs}), in the kernel's
 * order. Readers run without the lock; writers run under it (the file view takes it). A further core
 * file (e.g. {@code cgroup.pressure}) is one more {@code add} here and its name in {@link
 * CoreFileNames}.
 */
public final class CoreFiles {

  private final Hierarchy hierarchy;
  private final Map<String, CgroupFile<Cgroup>> files;

  public CoreFiles(Hierarchy hierarchy) {
    this.hierarchy = hierarchy;
    Map<String, CgroupFile<Cgroup>> m = new LinkedHashMap<>();
    add(m, CgroupFile.readWrite("type", (c, h) -> ThreadedMode.type(c) + "\n", this::writeType, FileFlag.NOT_ON_ROOT));
    add(m, CgroupFile.readWrite("procs", this::readProcs, this::writeProcs));
    add(m, CgroupFile.readWrite("threads", this::readThreads, this::writeThreads));
    ControllerTable controllers = hierarchy.controllers();
    add(m, CgroupFile.readOnly("controllers", (c, h) -> line(controllers.names(c.visibleMask()))));
    add(m, CgroupFile.readWrite("subtree_control", (c, h) -> line(controllers.names(c.subtreeControl())),
        (c, v, h) -> hierarchy.writeSubtreeControl(c, v)));
    add(m, CgroupFile.readOnly("events", (c, h) -> Keyed.flat().put("populated", c.populated() ? 1 : 0)
        .put("frozen", c.frozen() ? 1 : 0).toString(), FileFlag.NOT_ON_ROOT));
    add(m, CgroupFile.readWrite("max.descendants", (c, h) -> Numbers.formatMaxOrCount(c.maxDescendants()) + "\n",
        (c, v, h) -> hierarchy.maxDescendants(c, parseLimit(v, "cgroup.max.descendants"))));
    add(m, CgroupFile.readWrite("max.depth", (c, h) -> Numbers.formatMaxOrCount(c.maxDepth()) + "\n",
        (c, v, h) -> hierarchy.maxDepth(c, parseLimit(v, "cgroup.max.depth"))));
    add(m, CgroupFile.readOnly("stat", this::readStat));
    add(m, CgroupFile.readWrite("freeze", (c, h) -> (c.freeze() ? "1" : "0") + "\n", this::writeFreeze, FileFlag.NOT_ON_ROOT));
    add(m, CgroupFile.<Cgroup>named("kill").writer(this::writeKill).flag(FileFlag.NOT_ON_ROOT).build());
    add(m, CgroupFile.readWrite("pressure", (c, h) -> (c.pressureEnabled() ? "1" : "0") + "\n", this::writePressure));
    if (!m.keySet().equals(CoreFileNames.NAMES)) {
      throw new IllegalStateException("NAMES is out of date: " + m.keySet());
    }
    for (String name : CoreFileNames.NAMES) {
      if (m.get(name).appearsOn(true) == CoreFileNames.NOT_ON_ROOT.contains(name)) {
        throw new IllegalStateException("NOT_ON_ROOT is out of date: " + name);
      }
    }
    this.files = Collections.unmodifiableMap(m);
  }

  private static void add(Map<String, CgroupFile<Cgroup>> m, CgroupFile<Cgroup> f) {
    m.put(CoreFileNames.PREFIX + f.name(), f);
  }

  /** The files by full name, in the kernel's order. */
  public Map<String, CgroupFile<Cgroup>> files() {
    return files;
  }

  /** Controller names on one line; nothing at all, not even the newline, for none (the kernel's cgroup_print_ss_mask). */
  private static String line(List<String> names) {
    return names.isEmpty() ? "" : String.join(" ", names) + "\n";
  }

  /**
   * {@code cgroup.max.depth} and {@code cgroup.max.descendants} as the kernel reads them: {@code max},
   * or {@code kstrtoint(value, 0)} (so {@code +5}, {@code 010} and {@code 0x10} are numbers); a
   * negative number is {@code ERANGE}; {@code INT_MAX}, the kernel's own "no limit", is {@code max}
   * ({@code Long.MAX_VALUE}) and reads back as {@code max}.
   */
  static long parseLimit(String value, String what) {
    if (value.equals("max")) {
      return Long.MAX_VALUE;
    }
    int v = Numbers.parseKernelInt(value, what);
    if (v < 0) {
      throw CgroupException.of(Errno.ERANGE, "%s '%s' must not be negative", what, value);
    }
    return v == Integer.MAX_VALUE ? Long.MAX_VALUE : v;
  }

  /**
   * The tasks whose main thread is here — and, for the domain of a threaded subtree, in its threaded
   * descendants, whose processes all belong to it — one pid a line, ascending. A threaded cgroup
   * holds no processes of its own: reading its {@code cgroup.procs} is {@code EOPNOTSUPP}, as in the
   * kernel.
   */
  private String readProcs(Cgroup c, FileHandle h) {
    if (c.threaded()) {
      throw CgroupException.of(Errno.EOPNOTSUPP, "%s/cgroup.procs: %s is threaded; its processes are listed by its domain %s",
          c, c, c.dom());
    }
    List<ModelTask> tasks = new ArrayList<>(List.of(c.tasks()));
    for (Cgroup child : c.children()) {
      if (child.threaded()) {
        addThreadedTasks(child, tasks);
      }
    }
    if (tasks.size() > 1) {
      tasks.sort(java.util.Comparator.comparingInt(ModelTask::pid));
    }
    StringBuilder sb = new StringBuilder(tasks.size() * 6);
    for (ModelTask t : tasks) {
      sb.append(t.pid()).append('\n');
    }
    return sb.toString();
  }

  private static void addThreadedTasks(Cgroup threaded, List<ModelTask> into) {
    into.addAll(List.of(threaded.tasks()));
    for (Cgroup child : threaded.children()) {
      if (child.threaded()) {
        addThreadedTasks(child, into);
      }
    }
  }

  /** A pid as the kernel reads it ({@link Numbers#parsePid}): {@code 0} is the writer, an unknown pid {@code ESRCH}. */
  private void writeProcs(Cgroup c, String value, FileHandle h) {
    hierarchy.migrate(writtenId(c, "cgroup.procs", value, h), c);
  }

  /** The ids of the threads here, one a line, ascending (main threads and others alike). */
  private String readThreads(Cgroup c, FileHandle h) {
    ModelTask.ModelThread[] threads = c.threads();
    StringBuilder sb = new StringBuilder(threads.length * 6);
    for (ModelTask.ModelThread t : threads) {
      sb.append(t.tid()).append('\n');
    }
    return sb.toString();
  }

  /** A thread id as the kernel reads it: moves that one thread, within its threaded subtree. */
  private void writeThreads(Cgroup c, String value, FileHandle h) {
    hierarchy.migrateThread(writtenId(c, "cgroup.threads", value, h), c);
  }

  private static int writtenId(Cgroup c, String file, String value, FileHandle h) {
    int pid = Numbers.parsePid(value);
    if (pid == 0) {
      if (h.callerPid() == 0) {
        throw CgroupException.of(Errno.ESRCH, "writing 0 to %s/%s moves the writer, but the opener is not a task", c, file);
      }
      pid = h.callerPid();
    }
    return pid;
  }

  /** {@code cgroup.type}: only {@code threaded} may be written (a cgroup cannot go back to being a domain). */
  private void writeType(Cgroup c, String value, FileHandle h) {
    if (!value.equals("threaded")) {
      throw CgroupException.of(Errno.EINVAL, "invalid cgroup.type '%s' for %s: only 'threaded' can be written", value, c);
    }
    hierarchy.enableThreaded(c);
  }

  /** {@code cgroup.freeze}: {@code kstrtoint}, then 0 or 1 ({@code ERANGE} otherwise). */
  private void writeFreeze(Cgroup c, String value, FileHandle h) {
    int v = Numbers.parseKernelInt(value, "cgroup.freeze");
    if (v < 0 || v > 1) {
      throw CgroupException.of(Errno.ERANGE, "cgroup.freeze of %s: '%s' is neither 0 nor 1", c, value);
    }
    hierarchy.freeze(c, v == 1);
  }

  /**
   * {@code cgroup.pressure} ({@code cgroup_pressure_write}): {@code kstrtoint}, then 0 or 1 ({@code
   * ERANGE} otherwise); on the root too, as the kernel's (where it switches the system's pressure).
   */
  private void writePressure(Cgroup c, String value, FileHandle h) {
    int v = Numbers.parseKernelInt(value, "cgroup.pressure");
    if (v < 0 || v > 1) {
      throw CgroupException.of(Errno.ERANGE, "cgroup.pressure of %s: '%s' is neither 0 nor 1", c, value);
    }
    hierarchy.pressure(c, v == 1);
  }

  /** {@code cgroup.kill}: {@code kstrtoint}, then exactly 1 ({@code ERANGE} otherwise). */
  private void writeKill(Cgroup c, String value, FileHandle h) {
    int v = Numbers.parseKernelInt(value, "cgroup.kill");
    if (v != 1) {
      throw CgroupException.of(Errno.ERANGE, "cgroup.kill of %s: '%s' is not 1", c, value);
    }
    hierarchy.kill(c);
  }

  /**
   * The kernel's {@code cgroup.stat}: descendants, then per controller the live "css" count of the
   * subtree ({@code nr_subsys_<ctrl>}: this cgroup and its live descendants that show the
   * controller, 0 if this one does not), dying descendants, then per controller the dying ones
   * ({@code nr_dying_subsys_<ctrl>}: removed descendants whose states of the controller still hold
   * charges — what keeps a kernel css dying — and the states a disable took out of this cgroup or a
   * descendant that still hold charges, as the kernel's {@code offline_css} counts a killed css in
   * its cgroup and every ancestor).
   */
  private String readStat(Cgroup c, FileHandle h) {
    hierarchy.pollDying();
    ControllerTable controllers = hierarchy.controllers();
    Keyed.Flat out = Keyed.flat().put("nr_descendants", c.nrDescendants());
    for (ControllerEntry<?> e : controllers) {
      out.put("nr_subsys_" + e.name(), c.shows(e) ? showing(c, e) : 0);
    }
    out.put("nr_dying_descendants", c.nrDyingDescendants());
    List<Cgroup> dying = c.nrDyingDescendants() == 0 ? List.of() : below(c, hierarchy.dying());
    List<DyingCgroups.Retired> retired = hierarchy.retired();
    for (ControllerEntry<?> e : controllers) {
      out.put("nr_dying_subsys_" + e.name(), (dying.isEmpty() ? 0 : holding(dying, e)) + retiredAtOrBelow(c, retired, e));
    }
    return out.toString();
  }

  /** {@code c} and its live descendants that show {@code e}; lock-free, weakly consistent. */
  private static int showing(Cgroup c, ControllerEntry<?> e) {
    int n = 1;
    if ((c.subtreeControl() & e.bit()) != 0) {
      for (Cgroup child : c.children()) {
        n += showing(child, e);
      }
    }
    return n;
  }

  /**
   * Retired states of {@code e} in {@code c} or below, one per cgroup (the kernel has one css per
   * cgroup and controller where cgdev has one state per registration).
   */
  private static int retiredAtOrBelow(Cgroup c, List<DyingCgroups.Retired> retired, ControllerEntry<?> e) {
    if (retired.isEmpty()) {
      return 0;
    }
    Set<Cgroup> counted = new HashSet<>();
    for (DyingCgroups.Retired r : retired) {
      if (r.slot().controller() == e && !counted.contains(r.cgroup())) {
        for (Cgroup a = r.cgroup(); a != null; a = a.parent()) {
          if (a == c) {
            counted.add(r.cgroup());
            break;
          }
        }
      }
    }
    return counted.size();
  }

  private static List<Cgroup> below(Cgroup c, List<Cgroup> dying) {
    List<Cgroup> out = new ArrayList<>();
    for (Cgroup d : dying) {
      for (Cgroup a = d.parent(); a != null; a = a.parent()) {
        if (a == c) {
          out.add(d);
          break;
        }
      }
    }
    return out;
  }

  /**
   * How many of the {@code dying} cgroups keep a "css" of {@code e} alive: those holding an
   * undrained state of {@code e}, and their dying ancestors (a kernel css pins its parent's).
   */
  private int holding(List<Cgroup> dying, ControllerEntry<?> e) {
    Set<Cgroup> held = new HashSet<>();
    for (Cgroup d : dying) {
      if (holds(d, e)) {
        for (Cgroup a = d; a != null && !a.online() && dying.contains(a) && held.add(a); a = a.parent()) {
          // walk up while the ancestors are dying ones of this subtree
        }
      }
    }
    return held.size();
  }

  private boolean holds(Cgroup d, ControllerEntry<?> e) {
    for (Registration r : hierarchy.registrations().values()) {
      StateSlot<?> slot = r.slot(e);
      DeviceState s = slot == null ? null : d.stateAt(slot.index());
      if (s != null && !hierarchy.guard().drained(s)) {
        return true;
      }
    }
    return false;
  }
}
