package io.cgdev.api;

/**
 * A change of owners or permission bits made through a front end that serves the tree to users with
 * identities (the FUSE mount's {@code mkdir}, {@code chown} and {@code chmod}; docs/FUSE.md,
 * delegation). The file view has no owners: the front end applies these itself, and a store that keeps
 * them (the state file, docs/STATE.md) hands them back in order for the front end to apply again
 * before it serves. Paths are absolute paths of the tree.
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.3")
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
