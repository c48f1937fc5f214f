package io.cgdev.fuse.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The inodes the kernel knows of: one per path it looked up, numbered by this table, kept while the
 * kernel holds a lookup reference (FUSE's {@code nlookup}) and dropped when it forgets the last one.
 *
 * <p>A node whose cgroup is removed through the mount is marked {@link Node#removed()} and unlinked
 * from its path (a new cgroup of that name gets a new inode), but stays known until forgotten, so
 * the descriptors still open on it are served as the kernel serves a removed cgroup's files.
 *
 * <p>Thread-safe: lookups, forgets and removals serialise on the table; {@link #get} takes no lock.
 */
final class Nodes {
  /** One inode: its path as of its lookup, whether its cgroup is gone, and what stat said of it last. */
  static final class Node {
    private final long ino;
    private final String path;
    private volatile boolean removed;
    private volatile Attributes attributes;
    private final AtomicInteger opens = new AtomicInteger();
    private long lookups; // guarded by the table

    private Node(long ino, String path) {
      this.ino = ino;
      this.path = path;
    }

    long ino() {
      return ino;
    }

    String path() {
      return path;
    }

    /** Whether its cgroup (or an ancestor) was removed through the mount. */
    boolean removed() {
      return removed;
    }

    /** What {@code stat} reported for it last, or null if never asked. */
    Attributes attributes() {
      return attributes;
    }

    void attributes(Attributes a) {
      attributes = a;
    }

    /** Files open through this inode now. */
    AtomicInteger opens() {
      return opens;
    }
  }

  private final Map<Long, Node> byIno = new ConcurrentHashMap<>();
  private final Map<String, Node> byPath = new HashMap<>(); // guarded by this
  private long next = NativeLayout.ROOT_INO + 1; // guarded by this

  Nodes() {
    Node root = new Node(NativeLayout.ROOT_INO, "/");
    root.lookups = 1; // the kernel never forgets the root
    byIno.put(root.ino, root);
    byPath.put(root.path, root);
  }

  /** The node of an inode the kernel names; {@code EINVAL} if unknown (the kernel never names a forgotten one). */
  Node get(long ino) {
    Node n = byIno.get(ino);
    if (n == null) {
      throw CgroupException.of(Errno.EINVAL, "unknown inode %d", ino);
    }
    return n;
  }

  /** Whether the kernel holds an inode of {@code path} now (it looked it up and has not forgotten it). */
  synchronized boolean known(String path) {
    return byPath.containsKey(path);
  }

  /** The path of the entry {@code name} in folder {@code parent}. */
  static String child(Node parent, String name) {
    return parent.path.equals("/") ? "/" + name : parent.path + "/" + name;
  }

  /** The node of {@code path}, made if new, with one more lookup reference (a lookup or mkdir reply). */
  synchronized Node lookedUp(String path) {
    Node n = byPath.get(path);
    if (n == null) {
      n = new Node(next++, path);
      byPath.put(path, n);
      byIno.put(n.ino, n);
    }
    n.lookups++;
    return n;
  }

  /** The kernel dropped {@code count} references; the node goes with the last. */
  synchronized void forget(long ino, long count) {
    Node n = byIno.get(ino);
    if (n == null || ino == NativeLayout.ROOT_INO) {
      return;
    }
    n.lookups -= count;
    if (n.lookups <= 0) {
      byIno.remove(ino);
      byPath.remove(n.path, n);
    }
  }

  /** The cgroup at {@code path} was removed: marks it and everything below it, and frees the path. */
  synchronized void removed(String path) {
    String prefix = path + "/";
    for (Iterator<Map.Entry<String, Node>> it = byPath.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Node> e = it.next();
      if (e.getKey().equals(path) || e.getKey().startsWith(prefix)) {
        e.getValue().removed = true;
        it.remove();
      }
    }
  }

  /** Inodes known now, the root included (tests check that forgotten ones go). */
  int size() {
    return byIno.size();
  }
}
