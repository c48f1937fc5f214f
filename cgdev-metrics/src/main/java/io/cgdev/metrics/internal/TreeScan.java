package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Walks a tree through its file view and hands over every per-device folder of every cgroup, parents
 * before children. Both layouts are understood: {@code <cgroup>/<ctrl>.devices/<dev>/} and {@code
 * <cgroup>/devices/<dev>/}.
 *
 * <p>A folder named {@code <ctrl>.devices} (or {@code devices}) is a per-device folder only where
 * that controller shows in the cgroup ({@code cgroup.controllers}; the root shows every one), because
 * kernfs lets a child cgroup take such a name where the controller is not enabled. A cgroup removed
 * while the walk runs is left out with its subtree (its files answer {@code ENOENT}/{@code ENODEV}):
 * the scrape shows the tree as it is, never an error.
 *
 * <p>Takes no lock: the file view's listing and reads are lock-free.
 */
public final class TreeScan {
  /** Receives the per-device folders. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * One per-device folder of one cgroup.
     *
     * @param cgroup the cgroup's path ({@code /} for the root)
     * @param device the device's name
     * @param folder the folder's path
     * @param files the names of the readable files in it
     */
    void deviceFolder(String cgroup, String device, String folder, List<String> files);
  }

  /** Which controllers a non-root cgroup shows. */
  @FunctionalInterface
  public interface Controllers {
    /**
     * The names in the cgroup's {@code cgroup.controllers}.
     *
     * @param cgroup the cgroup's path, not the root
     * @throws io.cgdev.api.CgroupException when the cgroup is gone
     */
    Set<String> of(CgroupFs fs, String cgroup);
  }

  /** Reads {@code cgroup.controllers} afresh (open, read, close) at every call. */
  public static final Controllers READ = (fs, cgroup) -> parseControllers(fs.read(cgroup + "/cgroup.controllers"));

  private TreeScan() {}

  /**
   * Walks the tree.
   *
   * @return the number of cgroups seen
   */
  public static int walk(CgroupFs fs, Visitor visitor) {
    Deque<String> todo = new ArrayDeque<>();
    todo.push("/");
    int cgroups = 0;
    while (!todo.isEmpty()) {
      String cgroup = todo.pop();
      try {
        List<String> children = cgroup(fs, cgroup, READ, visitor);
        cgroups++;
        for (int i = children.size() - 1; i >= 0; i--) {
          todo.push(children.get(i));
        }
      } catch (CgroupException e) {
        // removed while we looked: its subtree went with it
      }
    }
    return cgroups;
  }

  /** Visits the root's device folders only. */
  public static void walkRoot(CgroupFs fs, Visitor visitor) {
    try {
      cgroup(fs, "/", READ, visitor);
    } catch (CgroupException e) {
      // a tree being closed: nothing to read
    }
  }

  /**
   * Visits one cgroup's device folders; returns the paths of its children.
   *
   * @param controllers where a non-root cgroup's controllers come from, or {@link #READ}
   * @throws CgroupException when the cgroup is gone
   */
  static List<String> cgroup(CgroupFs fs, String cgroup, Controllers controllers, Visitor visitor) {
    List<FsEntry> entries = fs.list(cgroup);
    String prefix = cgroup.equals("/") ? "/" : cgroup + "/";
    Set<String> shown = null; // the root shows every controller
    if (!cgroup.equals("/")) {
      shown = has(entries, "cgroup.controllers") ? controllers.of(fs, cgroup) : Set.of();
    }
    List<String> children = new ArrayList<>();
    for (FsEntry e : entries) {
      if (!e.isDirectory()) {
        continue;
      }
      String name = e.name();
      if (isDeviceFolder(name, shown)) {
        devices(fs, cgroup, prefix + name, visitor);
      } else {
        children.add(prefix + name);
      }
    }
    return children;
  }

  private static boolean has(List<FsEntry> entries, String file) {
    for (FsEntry e : entries) {
      if (e.name().equals(file)) {
        return true;
      }
    }
    return false;
  }

  /** The names of a {@code cgroup.controllers} content. */
  static Set<String> parseControllers(String content) {
    Set<String> out = new HashSet<>();
    for (String c : content.trim().split("\\s+")) {
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return out;
  }

  /** Whether a folder of a cgroup holds device folders; {@code shown} null means "the root: all". */
  static boolean isDeviceFolder(String name, Set<String> shown) {
    if (name.equals("devices")) {
      return shown == null || !shown.isEmpty();
    }
    if (!name.endsWith(".devices") || name.length() == ".devices".length()) {
      return false;
    }
    return shown == null || shown.contains(name.substring(0, name.length() - ".devices".length()));
  }

  private static void devices(CgroupFs fs, String cgroup, String folder, Visitor visitor) {
    for (FsEntry d : fs.list(folder)) {
      if (!d.isDirectory()) {
        continue;
      }
      String path = folder + "/" + d.name();
      List<FsEntry> files = fs.list(path);
      List<String> names = new ArrayList<>(files.size());
      for (FsEntry f : files) {
        if (!f.isDirectory() && f.readable()) {
          names.add(f.name());
        }
      }
      visitor.deviceFolder(cgroup, d.name(), path, names);
    }
  }
}
