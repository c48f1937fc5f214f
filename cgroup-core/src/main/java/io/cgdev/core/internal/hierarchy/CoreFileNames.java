package io.cgdev.core.internal.hierarchy;

import java.util.Set;

/**
 * The names of the core interface files, known before any hierarchy exists: what the folder of a
 * cgroup holds besides controller entries ({@link FolderEntries}) and what the file view resolves
 * as core files. The files themselves are {@link CoreFiles}; the names live apart so that knowing a
 * name needs no hierarchy.
 */
public final class CoreFileNames {
  /** The prefix of core file names. */
  public static final String PREFIX = "cgroup.";

  /** {@code cgroup.events}, the file the hierarchy notifies when {@code populated} or {@code frozen} change. */
  public static final String EVENTS = "cgroup.events";

  /** The full names of the core files. */
  public static final Set<String> NAMES = Set.of("cgroup.type", "cgroup.procs", "cgroup.threads", "cgroup.controllers",
      "cgroup.subtree_control", EVENTS, "cgroup.max.descendants", "cgroup.max.depth", "cgroup.stat", "cgroup.freeze",
      "cgroup.kill", "cgroup.pressure");

  /** The core files the root has not, as in the kernel ({@code CFTYPE_NOT_ON_ROOT}). */
  public static final Set<String> NOT_ON_ROOT = Set.of("cgroup.type", EVENTS, "cgroup.freeze", "cgroup.kill");

  private CoreFileNames() {}
}
