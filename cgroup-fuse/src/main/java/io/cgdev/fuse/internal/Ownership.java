package io.cgdev.fuse.internal;

import io.cgdev.api.FsEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Owners and permission bits of the mounted tree, kept in the FUSE layer because the file view has
 * none: as in cgroup v2, everything belongs to root until {@code chown} delegates it, and a cgroup
 * made by {@code mkdir} belongs, with all its files and per-device folders, to its creator.
 *
 * <p>An entry's owner is the one set on it by {@code chown}, else the creator of the nearest
 * enclosing cgroup recorded by {@link #created}, else root. Its mode is the one set by {@code
 * chmod}, else the file view's (the root folder: {@link #ROOT_MODE}). Thread-safe and lock-free:
 * FUSE workers call it concurrently.
 *
 * <p>A {@link Changes} listener hears of every change made by {@link #created}, {@link #chown},
 * {@link #chmod} and {@link #forget}, on the caller's thread, after the map changed (the mount keeps
 * them in a state file that way: {@code cgdev mount --state}); {@link #replay} makes a change
 * without telling it.
 */
public final class Ownership {
  /** A uid and gid pair. */
  public record Owner(int uid, int gid) {
    public static final Owner ROOT = new Owner(0, 0);
  }

  /** Permission bits asked for, as in {@code access(2)}. */
  public static final int READ = 4;
  public static final int WRITE = 2;
  public static final int EXECUTE = 1;

  /**
   * Hears of each change of the maps, on the thread that made it. Called by FUSE workers, several at
   * once; what it throws (a {@link io.cgdev.api.CgroupException}, e.g. {@code EIO} when a state file
   * cannot keep the change) fails the request that made the change.
   */
  public interface Changes {
    Changes NONE = new Changes() {};

    default void created(String path, Owner creator) {}

    default void chowned(String path, Owner owner) {}

    default void chmodded(String path, int mode) {}

    default void forgotten(String path) {}
  }

  private volatile Changes listener = Changes.NONE;
  private final Map<String, Owner> chowned = new ConcurrentHashMap<>();
  private final Map<String, Owner> creators = new ConcurrentHashMap<>();
  private final Map<String, Integer> modes = new ConcurrentHashMap<>();

  /** The owner of {@code path} (absolute, normalised). */
  public Owner ownerOf(String path) {
    Owner explicit = chowned.get(path);
    if (explicit != null) {
      return explicit;
    }
    if (creators.isEmpty()) {
      return Owner.ROOT;
    }
    for (String p = path; ; p = parent(p)) {
      Owner creator = creators.get(p);
      if (creator != null) {
        return creator;
      }
      if (p.equals("/")) {
        return Owner.ROOT;
      }
    }
  }

  /** The permission bits of the root folder of a cgroup2 mount (kernfs makes its root {@code r-xr-xr-x}). */
  public static final int ROOT_MODE = 0555;

  /**
   * The permission bits of {@code path}: those set by chmod, else {@link #ROOT_MODE} for the root
   * folder, else the file view's.
   */
  public int modeOf(String path, FsEntry entry) {
    Integer mode = modes.get(path);
    if (mode != null) {
      return mode;
    }
    return path.equals("/") ? ROOT_MODE : entry.mode() & 07777;
  }

  /** Whether {@code caller} may {@code want} (a sum of READ, WRITE, EXECUTE) on the entry. */
  public boolean permits(Caller caller, String path, FsEntry entry, int want) {
    if (caller.isRoot()) {
      return true;
    }
    Owner owner = ownerOf(path);
    int mode = modeOf(path, entry);
    int bits;
    if (caller.uid() == owner.uid()) {
      bits = mode >> 6;
    } else if (caller.gid() == owner.gid()) {
      bits = mode >> 3;
    } else {
      bits = mode;
    }
    return (bits & want & 7) == want;
  }

  /** Tells {@code changes} of every change from now on (one listener; the last one set wins). */
  public void listen(Changes changes) {
    this.listener = java.util.Objects.requireNonNull(changes, "changes");
  }

  /** Records a cgroup made by {@code creator}; forgets what an older cgroup of that path had. */
  public void created(String path, Owner creator) {
    setCreator(path, creator);
    listener.created(path, creator);
  }

  /** Forgets a removed cgroup and everything below it. */
  public void forget(String path) {
    forgetQuietly(path);
    listener.forgotten(path);
  }

  /** Sets the owner of one entry, as {@code chown} does. */
  public void chown(String path, Owner owner) {
    chowned.put(path, owner);
    listener.chowned(path, owner);
  }

  /** Sets the permission bits of one entry, as {@code chmod} does. */
  public void chmod(String path, int mode) {
    modes.put(path, mode & 07777);
    listener.chmodded(path, mode & 07777);
  }

  /** The kinds of change {@link #replay} takes. */
  public enum Kind { CREATED, CHOWN, CHMOD, FORGET }

  /**
   * Makes a change recorded before (by a state file) without telling the listener: {@code uid} and
   * {@code gid} for {@link Kind#CREATED} and {@link Kind#CHOWN}, {@code mode} for {@link Kind#CHMOD}.
   */
  public void replay(Kind kind, String path, int uid, int gid, int mode) {
    switch (kind) {
      case CREATED -> setCreator(path, new Owner(uid, gid));
      case CHOWN -> chowned.put(path, new Owner(uid, gid));
      case CHMOD -> modes.put(path, mode & 07777);
      case FORGET -> forgetQuietly(path);
    }
  }

  private void setCreator(String path, Owner creator) {
    forgetQuietly(path);
    creators.put(path, creator);
  }

  private void forgetQuietly(String path) {
    String prefix = path.endsWith("/") ? path : path + "/";
    for (Map<String, ?> map : java.util.List.of(chowned, creators, modes)) {
      map.keySet().removeIf(p -> p.equals(path) || p.startsWith(prefix));
    }
  }

  /** The parent folder of an absolute path; {@code /} for {@code /} itself. */
  public static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** The common ancestor folder of two absolute cgroup paths. */
  public static String commonAncestor(String a, String b) {
    String x = a;
    while (!(b.equals(x) || b.startsWith(x.equals("/") ? "/" : x + "/"))) {
      x = parent(x);
    }
    return x;
  }
}
