package io.cgdev.controller.cpuset;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * An independent, deliberately naive statement of the cpuset rules (BitSets, recursion from the
 * definitions, no caching), used to check the published masks in property tests. Every query
 * recomputes from the root.
 */
final class ReferenceModel {
  /** One cgroup's configuration. */
  static final class Node {
    final String path;
    final Node parent;
    final List<Node> children = new ArrayList<>();
    BitSet cpus = new BitSet();
    BitSet mems = new BitSet();
    BitSet exclusive = new BitSet();
    int partition; // 0 member, 1 root, 2 isolated

    Node(String path, Node parent) {
      this.path = path;
      this.parent = parent;
    }

    BitSet userX() {
      return (BitSet) (exclusive.isEmpty() ? cpus : exclusive).clone();
    }
  }

  final int engines;
  final int regions;
  final Node root = new Node("/", null);

  ReferenceModel(int engines, int regions) {
    this.engines = engines;
    this.regions = regions;
  }

  Node add(String path, Node parent) {
    Node n = new Node(path, parent);
    parent.children.add(n);
    return n;
  }

  void remove(Node n) {
    n.parent.children.remove(n);
  }

  private static BitSet and(BitSet a, BitSet b) {
    BitSet r = (BitSet) a.clone();
    r.and(b);
    return r;
  }

  private BitSet all(int n) {
    BitSet b = new BitSet();
    b.set(0, n);
    return b;
  }

  /** Null if n is a valid partition root (or the root), else why not (a member: "member"). */
  String invalidity(Node n) {
    if (n.parent == null) {
      return null;
    }
    if (n.partition == 0) {
      return "member";
    }
    Node p = n.parent;
    if (p.parent != null && p.partition == 0) {
      return PartitionError.PARENT_NOT_PARTITION.reason();
    }
    if (invalidity(p) != null) {
      return PartitionError.PARENT_INVALID.reason();
    }
    if (n.userX().isEmpty()) {
      return PartitionError.CPUS_EMPTY.reason();
    }
    for (Node s : p.children) {
      if (s != n && s.userX().intersects(n.userX())) {
        return PartitionError.NOT_EXCLUSIVE.reason();
      }
    }
    if (!n.userX().intersects(xeff(p))) {
      return PartitionError.INVALID_CPUS.reason();
    }
    if (p.parent == null) {
      // the root keeps an engine: earlier valid siblings and this one must leave one over
      BitSet left = all(engines);
      for (Node s : p.children) {
        if (s == n) {
          break;
        }
        if (invalidity(s) == null) {
          left.andNot(xeff(s));
        }
      }
      left.andNot(and(n.userX(), xeff(p)));
      if (left.isEmpty()) {
        return PartitionError.NO_CPUS.reason();
      }
    }
    return null;
  }

  boolean validPartition(Node n) {
    return invalidity(n) == null;
  }

  /** cpuset.cpus.exclusive.effective (all engines for the root). */
  BitSet xeff(Node n) {
    if (n.parent == null) {
      return all(engines);
    }
    if (validPartition(n)) {
      return and(n.userX(), xeff(n.parent));
    }
    return and(n.exclusive, xeff(n.parent));
  }

  /** cpuset.cpus.effective. */
  BitSet eff(Node n) {
    BitSet base;
    if (validPartition(n)) {
      base = xeff(n);
      for (Node c : n.children) {
        if (c.partition != 0 && validPartition(c)) {
          base.andNot(xeff(c));
        }
      }
      return base;
    }
    BitSet pe = eff(n.parent);
    BitSet mine = and(n.cpus, pe);
    return mine.isEmpty() ? pe : mine;
  }

  /** cpuset.mems.effective. */
  BitSet memsEff(Node n) {
    if (n.parent == null) {
      return all(regions);
    }
    BitSet pe = memsEff(n.parent);
    BitSet mine = and(n.mems, pe);
    return mine.isEmpty() ? pe : mine;
  }

  /** cpuset.cpus.partition as read. */
  String partitionText(Node n) {
    String word = switch (n.partition) {
      case 0 -> "member";
      case 1 -> "root";
      default -> "isolated";
    };
    String why = invalidity(n);
    return why == null || n.partition == 0 ? word : word + " invalid (" + why + ")";
  }

  /** Whether writing {@code x} to n's cpuset.cpus.exclusive must be refused. */
  boolean exclusiveRefused(Node n, BitSet x) {
    BitSet trialUser = x.isEmpty() ? (BitSet) n.cpus.clone() : (BitSet) x.clone();
    boolean trialExcl = n.partition != 0 && validPartition(n);
    for (Node s : n.parent.children) {
      if (s == n) {
        continue;
      }
      boolean sExcl = s.partition != 0 && validPartition(s);
      if (trialExcl || sExcl || (!x.isEmpty() && !s.exclusive.isEmpty())) {
        if (trialUser.intersects(s.userX())) {
          return true;
        }
      } else if (!x.isEmpty()) {
        if (!s.cpus.isEmpty() && subset(s.cpus, x)) {
          return true;
        }
      } else if (!s.exclusive.isEmpty()) {
        if (!n.cpus.isEmpty() && subset(n.cpus, s.exclusive)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean subset(BitSet a, BitSet b) {
    BitSet r = (BitSet) a.clone();
    r.andNot(b);
    return r.isEmpty();
  }
}
