package io.cgdev.state;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * A tree's configuration as a value: its cgroups, parents first, each with the content of its
 * configuration files ({@link ConfigurationFiles#isConfiguration}) — what a restore rebuilds and what
 * {@code cgdev snapshot} shows in each cgroup's {@code configuration} section. Counters, usage,
 * effective values and tasks are not part of it.
 *
 * @param cgroups every cgroup, the root first, parents before their children, siblings by name
 */
public record Configuration(List<Cgroup> cgroups) {
  /** The name of the core file present in every cgroup, by which a folder is known to be a cgroup. */
  static final String PROCS = "cgroup.procs";

  public Configuration {
    cgroups = List.copyOf(cgroups);
  }

  /**
   * One cgroup's settings.
   *
   * @param path its absolute path ({@code /} for the root)
   * @param files the content of each configuration file, keyed by its path relative to the cgroup
   *     (e.g. {@code memory.devices/i915.0/memory.max}), in the order of a walk that lists each
   *     folder by name
   */
  public record Cgroup(String path, SequencedMap<String, String> files) {
    public Cgroup {
      Objects.requireNonNull(path, "path");
      files = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(files));
    }
  }

  /** The cgroup at {@code path}, or {@code null}. */
  public Cgroup cgroup(String path) {
    for (Cgroup c : cgroups) {
      if (c.path().equals(path)) {
        return c;
      }
    }
    return null;
  }

  /**
   * Reads the configuration of the tree {@code fs} shows now. Not atomic: a caller that needs one
   * moment (a checkpoint) keeps writers out while it reads.
   *
   * @throws CgroupException when a read fails (a cgroup removed meanwhile: {@code ENOENT})
   */
  public static Configuration read(CgroupFs fs) {
    List<Cgroup> out = new ArrayList<>();
    readCgroup(fs, "/", out);
    return new Configuration(out);
  }

  private static void readCgroup(CgroupFs fs, String path, List<Cgroup> out) {
    SequencedMap<String, String> files = new LinkedHashMap<>();
    List<String> children = new ArrayList<>();
    for (FsEntry e : fs.list(path)) {
      String child = join(path, e.name());
      if (e.isDirectory()) {
        if (isCgroup(fs, child)) {
          children.add(child);
        } else {
          readFolder(fs, child, e.name(), files);
        }
      } else if (ConfigurationFiles.isConfiguration(e)) {
        files.put(e.name(), fs.read(child));
      }
    }
    out.add(new Cgroup(path, files));
    for (String child : children) {
      readCgroup(fs, child, out);
    }
  }

  private static void readFolder(CgroupFs fs, String path, String relative, SequencedMap<String, String> files) {
    for (FsEntry e : fs.list(path)) {
      String child = path + "/" + e.name();
      if (e.isDirectory()) {
        readFolder(fs, child, relative + "/" + e.name(), files);
      } else if (ConfigurationFiles.isConfiguration(e)) {
        files.put(relative + "/" + e.name(), fs.read(child));
      }
    }
  }

  /** The cgroups {@code fs} shows now, parents first. */
  static List<String> cgroupsOf(CgroupFs fs) {
    List<String> out = new ArrayList<>();
    collect(fs, "/", out);
    return out;
  }

  private static void collect(CgroupFs fs, String path, List<String> out) {
    out.add(path);
    for (FsEntry e : fs.list(path)) {
      String child = join(path, e.name());
      if (e.isDirectory() && isCgroup(fs, child)) {
        collect(fs, child, out);
      }
    }
  }

  /**
   * Whether a folder is a cgroup: every cgroup has {@code cgroup.procs}, no per-device folder has
   * (controller files carry their controller's prefix), whatever the folders are called.
   */
  static boolean isCgroup(CgroupFs fs, String folder) {
    try {
      return !fs.stat(folder + "/" + PROCS).isDirectory();
    } catch (CgroupException e) {
      if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
        return false;
      }
      throw e;
    }
  }

  /** {@code folder/name}, for the root too. */
  static String join(String folder, String name) {
    return folder.equals("/") ? "/" + name : folder + "/" + name;
  }
}
