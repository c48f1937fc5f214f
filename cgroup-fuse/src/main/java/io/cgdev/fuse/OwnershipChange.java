package io.cgdev.fuse;

/**
 * A change of owners or permission bits made through the mount (docs/FUSE.md, delegation): what an
 * {@link OwnershipJournal} keeps and hands back. Paths are absolute paths of the mounted tree.
 */
public sealed interface OwnershipChange {
  /** The entry the change is about. */
  String path();

  /** {@code mkdir} by {@code uid}:{@code gid}: the new cgroup and everything in it belong to them. */
  record Created(String path, int uid, int gid) implements OwnershipChange {}

  /** {@code chown} of one entry. */
  record Chown(String path, int uid, int gid) implements OwnershipChange {}

  /** {@code chmod} of one entry (also the mode {@code mkdir} asked for). */
  record Chmod(String path, int mode) implements OwnershipChange {}

  /** {@code rmdir}: what was recorded at and below the path is forgotten. */
  record Forget(String path) implements OwnershipChange {}
}
