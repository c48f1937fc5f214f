package io.cgdev.drm;

import io.cgdev.api.spi.CgroupHandle;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The bytes eviction could take from one region: of the idle objects resident there (neither pinned
 * nor used by a batch), all of them, those without a memory charge, and per cgroup those charged in
 * its subtree. An eviction walk asks how much its scope may take ({@link #bytesFor}) and ends once
 * none is left ahead of it, instead of passing every busy object of the list: a cgroup at its limit
 * whose buffers are all in queued batches costs one lookup per reclaim.
 *
 * <p>Its region's {@link Residency} tells it when an object arrives or leaves, the object itself when
 * it becomes busy or idle ({@link GemObject#activate}, {@link GemObject#pin} and their inverses). A
 * cgroup's count is found once per arrival and once per walk (a map lookup): an arriving object keeps
 * the {@link Node} of its charge, which links to its parent's, so a batch's use and release are a walk
 * up a few fields. A cgroup is counted while objects charged in its subtree are resident, so the map
 * holds no removed cgroup for longer than its objects stay. Guarded by the device lock.
 */
final class EvictionIndex {
  private long idleBytes;
  private long unchargedIdleBytes;
  private final Map<CgroupHandle, Node> nodes = new IdentityHashMap<>();
  /** The nodes in the order they were made, for a walk over them that is the same in every run. */
  private final List<Node> made = new ArrayList<>();
  /** Changes to the counts, so that a walk fails fast on one it did not make. */
  private int changes;

  /**
   * An object charged to {@code cgroup} (null: not charged) arrives, busy; count its idle bytes with
   * {@link #add} when it is idle.
   *
   * @return the node it is counted under until it {@linkplain #leave leaves}; null when not charged
   */
  Node arrive(CgroupHandle cgroup) {
    if (cgroup == null) {
      return null;
    }
    Node n = node(cgroup);
    for (Node up = n; up != null; up = up.parent) {
      up.residents++;
    }
    return n;
  }

  /** An object counted under {@code node} leaves, busy (its idle bytes taken off with {@link #add} first). */
  void leave(Node node) {
    for (Node up = node; up != null; up = up.parent) {
      if (--up.residents == 0) {
        nodes.remove(up.cgroup);
        made.remove(up);
      }
    }
  }

  /**
   * An object counted under {@code node} became idle ({@code bytes} its size) or busy ({@code bytes} its
   * size negated): idle bytes here and up the tree, idle objects of its own cgroup.
   */
  void add(Node node, long bytes) {
    if (node != null) {
      node.idleObjects += bytes > 0 ? 1 : -1;
    }
    idleBytes += bytes;
    if (node == null) {
      unchargedIdleBytes += bytes;
    }
    for (Node up = node; up != null; up = up.parent) {
      up.idleBytes += bytes;
    }
    changes++;
  }

  /**
   * Idle bytes a walk for {@code scope} may take: charged in its subtree or not charged at all; every
   * idle byte for a null scope. Protection ({@link io.cgdev.api.spi.ReclaimRequest#mayEvict}) is not
   * counted: it can only refuse some of them.
   */
  long bytesFor(CgroupHandle scope) {
    if (scope == null) {
      return idleBytes;
    }
    Node n = nodes.get(scope);
    return unchargedIdleBytes + (n == null ? 0 : n.idleBytes);
  }

  /**
   * Offers every idle object charged in {@code scope}'s subtree (null: anywhere) to {@code mayEvict},
   * by the cgroup it is charged to, as an eviction walk offers its candidates: for a walk that can move
   * nothing (see {@code GemEvictor#evict}), whose offers still count (the memory controller counts the
   * {@code low} event and notes protection from them): once per idle object, cgroups in the order they
   * were first counted.
   */
  void offerIdle(CgroupHandle scope, Predicate<CgroupHandle> mayEvict) {
    for (int k = 0; k < made.size(); k++) { // by index, without a copy: a full system region asks this at every reclaim
      Node n = made.get(k);
      if (n.idleObjects == 0 || (scope != null && !n.cgroup.isDescendantOf(scope))) {
        continue;
      }
      for (int i = 0; i < n.idleObjects; i++) {
        mayEvict.test(n.cgroup);
      }
    }
  }

  /** The cgroups counted: those with objects charged in their subtree resident. */
  int cgroups() {
    return nodes.size();
  }

  int changes() {
    return changes;
  }

  private Node node(CgroupHandle cgroup) {
    Node n = nodes.get(cgroup);
    if (n == null) {
      CgroupHandle parent = cgroup.parent();
      n = new Node(cgroup, parent == null ? null : node(parent));
      nodes.put(cgroup, n);
      made.add(n);
    }
    return n;
  }

  /** One cgroup's counts: its subtree's resident objects and their idle bytes. Linked to its parent's. */
  static final class Node {
    final CgroupHandle cgroup;
    final Node parent;
    int residents;
    long idleBytes;
    /** The idle objects charged to this cgroup itself (not below). */
    int idleObjects;

    Node(CgroupHandle cgroup, Node parent) {
      this.cgroup = cgroup;
      this.parent = parent;
    }

  }
}
