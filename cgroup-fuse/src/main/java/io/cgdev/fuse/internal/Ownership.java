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

  /** Records a cgroup made by {@code creator}; forgets what an older cgroup of that path had. */
  public void created(String path, Owner creator) {
    forget(path);
    creators.put(path, creator);
  }

  /** Forgets a removed cgroup and everything below it. */
  public void forget(String path) {
    String prefix = path.endsWith("/") ? path : path + "/";
    for (Map<String, ?> map : java.util.List.of(chowned, creators, modes)) {
      map.keySet().removeIf(p -> p.equals(path) || p.startsWith(prefix));
    }
  }

  /** Sets the owner of one entry, as {@code chown} does. */
  public void chown(String path, Owner owner) {
    chowned.put(path, owner);
  }

  /** Sets the permission bits of one entry, as {@code chmod} does. */
  public void chmod(String path, int mode) {
    modes.put(path, mode & 07777);
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
