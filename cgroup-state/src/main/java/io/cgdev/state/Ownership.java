package io.cgdev.state;

/**
 * A change of owners or permission bits made through a front end that keeps them (the FUSE mount's
 * {@code chown}, {@code chmod} and {@code mkdir}), kept in the state file in order with the tree's own
 * changes. The state file gives them back in order ({@link StateFile#ownership()}), for the front end
 * to apply before it serves; what they mean is the front end's (docs/FUSE.md, delegation).
 */
public sealed interface Ownership {
  /** The path the change is about. */
  String path();

  /** A cgroup made by {@code uid}:{@code gid}: it and everything in it belong to them. */
  record Created(String path, int uid, int gid) implements Ownership {}

  /** One entry's owner set by {@code chown}. */
  record Chown(String path, int uid, int gid) implements Ownership {}

  /** One entry's permission bits set by {@code chmod}. */
  record Chmod(String path, int mode) implements Ownership {}

  /** A removed cgroup: what was recorded for it and below it is forgotten. */
  record Forget(String path) implements Ownership {}
}
