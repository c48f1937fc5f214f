package io.cgdev.fuse.internal;

import java.time.Instant;

/**
 * What {@code stat} reports for one entry, as kernfs reports it for cgroup2: files have size 0
 * (their content is generated on each read) and one link; a folder has size 0 and two links plus
 * one per sub-folder.
 *
 * @param directory a cgroup or per-device folder
 * @param mode permission bits (no file type)
 * @param uid the owner
 * @param gid the owning group
 * @param links the link count
 * @param time access, change and modification time
 */
public record Attributes(boolean directory, int mode, int uid, int gid, long links, Instant time) {
  /** Every cgroup file reports this size, as on the kernel's cgroup2. */
  public static final long SIZE = 0;

  public long size() {
    return SIZE;
  }

  public Attributes withMode(int newMode) {
    return new Attributes(directory, newMode & 07777, uid, gid, links, time);
  }

  public Attributes withOwner(int newUid, int newGid) {
    return new Attributes(directory, mode, newUid, newGid, links, time);
  }
}
