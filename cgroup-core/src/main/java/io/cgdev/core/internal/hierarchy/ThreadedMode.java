package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;

/**
 * The rules of cgroup v2's threaded mode (kernel/cgroup/cgroup.c: {@code cgroup_is_threaded},
 * {@code _mixable}, {@code _can_be_thread_root}, {@code _is_thread_root}, {@code _is_valid_domain},
 * {@code cgroup_enable_threaded}, {@code cgroup_migrate_vet_dst}, {@code
 * cgroup_vet_subtree_control_enable}), with the same tests in the same order, so that every errno
 * is the kernel's.
 *
 * <p>A cgroup is made threaded by writing {@code threaded} to its {@code cgroup.type}; it then joins
 * the threaded subtree of its nearest non-threaded ancestor, the <em>threaded domain</em>, which
 * accounts for the whole subtree. Inside it, a task's threads may sit in different cgroups and the
 * no-internal-process rule does not hold. Controllers must support threaded mode to be enabled
 * there; cgdev's are all domain controllers ({@link #THREADED_CONTROLLERS} is empty), so a threaded
 * subtree refuses them as the kernel refuses memory or io.
 *
 * <p>Stateless. The predicates read the tree without a lock; {@link #enableThreaded} runs under the
 * hierarchy lock.
 */
final class ThreadedMode {
  /**
   * The controllers that support threaded mode (the kernel's {@code cgrp_dfl_threaded_ss_mask}: cpu,
   * cpuset, perf_event, pids): none of cgdev's. Device time and device memory are accounted per
   * resource domain.
   */
  static final long THREADED_CONTROLLERS = 0L;

  private ThreadedMode() {}

  /** The root may hold both domain and threaded children (it is exempt from no-internal-process). */
  static boolean mixable(Cgroup c) {
    return c.isRoot();
  }

  /** Whether {@code c} may become a thread root (always true of one). */
  static boolean canBeThreadRoot(Cgroup c) {
    if (mixable(c)) {
      return true;
    }
    if (c.threaded()) {
      return false;
    }
    if (populatedDomainChildren(c) > 0) {
      return false;
    }
    return (c.subtreeControl() & ~THREADED_CONTROLLERS) == 0;
  }

  /** Whether {@code c} is the domain of a threaded subtree. */
  static boolean threadRoot(Cgroup c) {
    if (c.threaded()) {
      return false;
    }
    if (threadedChildren(c) > 0) {
      return true;
    }
    return c.hasThreads() && (c.subtreeControl() & THREADED_CONTROLLERS) != 0;
  }

  /** Whether {@code c} can host resources: it is no threaded cgroup and no ancestor (but the root) is threaded or a thread root. */
  static boolean validDomain(Cgroup c) {
    if (c.threaded()) {
      return false;
    }
    for (Cgroup a = c.parent(); a != null; a = a.parent()) {
      if (!mixable(a) && threadRoot(a)) {
        return false;
      }
      if (a.threaded()) {
        return false;
      }
    }
    return true;
  }

  /** {@code cgroup.type}: {@code threaded}, {@code domain invalid}, {@code domain threaded} or {@code domain}. */
  static String type(Cgroup c) {
    if (c.threaded()) {
      return "threaded";
    }
    if (!validDomain(c)) {
      return "domain invalid";
    }
    if (threadRoot(c)) {
      return "domain threaded";
    }
    return "domain";
  }

  /**
   * Whether a task or thread may move into {@code dst} (and a task start there).
   *
   * @throws CgroupException {@code EOPNOTSUPP} if {@code dst}'s domain is invalid, {@code EBUSY} for
   *     a domain that enables controllers (no internal processes)
   */
  static void vetDestination(Cgroup dst, Object what, ControllerTable controllers) {
    if (!validDomain(dst.dom())) {
      throw CgroupException.of(Errno.EOPNOTSUPP, "cannot put %s into %s: its cgroup.type is %s, which can hold no tasks",
          what, dst, type(dst));
    }
    if (mixable(dst) || canBeThreadRoot(dst) || dst.threaded()) {
      return;
    }
    if (dst.subtreeControl() != 0) {
      throw CgroupException.of(Errno.EBUSY, "cannot put %s into %s: it enables %s in cgroup.subtree_control (no internal processes)",
          what, dst, String.join(" ", controllers.names(dst.subtreeControl())));
    }
  }

  /**
   * Whether {@code c} may enable the controllers of {@code enable} for its children.
   *
   * @throws CgroupException {@code EOPNOTSUPP} in a threaded subtree or an invalid domain, {@code
   *     EBUSY} for a non-root cgroup with threads of its own
   */
  static void vetEnable(Cgroup c, long enable, ControllerTable controllers) {
    if (enable == 0) {
      return;
    }
    String names = String.join(" ", controllers.names(enable));
    if (!validDomain(c.dom())) {
      throw CgroupException.of(Errno.EOPNOTSUPP, "cannot enable %s in %s: its cgroup.type is %s", names, c, type(c));
    }
    if (mixable(c)) {
      return;
    }
    long domainEnable = enable & ~THREADED_CONTROLLERS;
    if (domainEnable != 0) {
      if (threadRoot(c) || c.threaded()) {
        throw CgroupException.of(Errno.EOPNOTSUPP,
            "cannot enable %s in %s: it is %s, and a threaded subtree takes no domain controllers", names, c, type(c));
      }
    } else if (canBeThreadRoot(c) || c.threaded()) {
      return;
    }
    if (c.hasThreads()) {
      throw CgroupException.of(Errno.EBUSY, "cannot enable controllers in %s: it has %d threads (no internal processes)",
          c, c.threads().length);
    }
  }

  /**
   * Makes {@code c} threaded (a write of {@code threaded} to its {@code cgroup.type}); nothing
   * changes if it is threaded already. Under the hierarchy lock.
   *
   * @throws CgroupException {@code EOPNOTSUPP} if {@code c}'s subtree has tasks, {@code c} enables
   *     domain controllers, or its parent's domain cannot become a thread root
   */
  static void enableThreaded(Cgroup c) {
    if (c.threaded()) {
      return;
    }
    if (c.populated() || (c.subtreeControl() & ~THREADED_CONTROLLERS) != 0) {
      throw CgroupException.of(Errno.EOPNOTSUPP, "cannot make %s threaded: %s", c,
          c.populated() ? "its subtree has tasks" : "it enables domain controllers in cgroup.subtree_control");
    }
    Cgroup dom = c.parent().dom();
    if (!validDomain(dom) || !canBeThreadRoot(dom)) {
      throw CgroupException.of(Errno.EOPNOTSUPP, "cannot make %s threaded: %s cannot be the domain of a threaded subtree (cgroup.type %s%s)",
          c, dom, type(dom), canBeThreadRoot(dom) ? "" : ", it has populated domain children or enables domain controllers");
    }
    for (Cgroup d : c.subtree()) {
      if (d == c || d.threaded()) {
        d.dom(dom);
      }
    }
  }

  private static int populatedDomainChildren(Cgroup c) {
    int n = 0;
    for (Cgroup child : c.children()) {
      if (child.populated() && !child.threaded()) {
        n++;
      }
    }
    return n;
  }

  private static int threadedChildren(Cgroup c) {
    int n = 0;
    for (Cgroup child : c.children()) {
      if (child.threaded()) {
        n++;
      }
    }
    return n;
  }
}
