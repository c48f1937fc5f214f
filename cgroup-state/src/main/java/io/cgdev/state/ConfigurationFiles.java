package io.cgdev.state;

import io.cgdev.api.FsEntry;
import java.util.Set;

/**
 * Which files of a tree are its configuration, found by mode rather than by a list of names, so that
 * a file a controller adds later (e.g. {@code cgroup.freeze}) is kept without a change here.
 *
 * <p><b>Configuration</b>: every file that is readable <em>and</em> writable, except the few whose
 * write is an action rather than a setting ({@link #NOT_SETTINGS}). What such a file reads is what a
 * restore writes back ({@link TreeRestore}).
 *
 * <p><b>Journaled writes</b>: every successful write to any file, except those whose effect is not
 * kept at all ({@link #NOT_KEPT}). Task moves ({@code cgroup.procs}, {@code cgroup.threads}) and
 * {@code cgroup.kill} are journaled: replayed against the same base (the same scenario spawns the
 * same tasks with the same pids, which the state file's base line checks), they move or end the same
 * tasks, and without them a later {@code rmdir} or {@code +controller} of a cgroup they emptied could
 * not be replayed.
 */
public final class ConfigurationFiles {
  /**
   * Files that read and write but are not settings: the task lists (a write moves a task; the tasks
   * themselves are kept as task placements), the peaks (a write resets the peak seen through that
   * one open file, which ends with it) and the pressure files (a write sets a trigger on that one open
   * file, which ends with it).
   */
  public static final Set<String> NOT_SETTINGS = Set.of("cgroup.procs", "cgroup.threads", "memory.peak", "memory.swap.peak",
      "cpu.pressure", "memory.pressure");

  /**
   * Files whose writes are not journaled: their effect is usage (reclaim) or one open file's view
   * (a peak reset, a pressure trigger), which a restart does not keep for the kernel either.
   */
  public static final Set<String> NOT_KEPT = Set.of("memory.reclaim", "memory.peak", "memory.swap.peak",
      "cpu.pressure", "memory.pressure");

  private ConfigurationFiles() {}

  /** Whether the file {@code entry} (named by the last element of its path) is a setting a restore brings back. */
  public static boolean isConfiguration(FsEntry entry) {
    return !entry.isDirectory() && entry.readable() && entry.writable() && !NOT_SETTINGS.contains(entry.name());
  }

  /** Whether a successful write to the file of this name is journaled. */
  public static boolean isKept(String fileName) {
    return !NOT_KEPT.contains(fileName);
  }

  /** The last element of a path. */
  static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
