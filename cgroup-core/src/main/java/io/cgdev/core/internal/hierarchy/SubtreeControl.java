package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;

/**
 * {@code cgroup.subtree_control} writes (the kernel's cgroup_subtree_control_write): a list of
 * {@code +name} / {@code -name} separated by spaces — only the space: a tab or newline between two
 * tokens makes one bad token, as {@code strsep(&buf, " ")} does — parsed completely (the last token
 * for a controller wins), checked against the cgroup v2 rules (threaded mode's among them: {@link
 * ThreadedMode#vetEnable}), then applied all or nothing. Runs under the hierarchy lock.
 */
final class SubtreeControl {
  private final ControllerTable controllers;
  private final FolderEntries entries;

  SubtreeControl(ControllerTable controllers, FolderEntries entries) {
    this.controllers = controllers;
    this.entries = entries;
  }

  /** What a write asks for: the bits to set and the bits to clear (disjoint). */
  private record Change(long enable, long disable) {}

  /**
   * What a write that disables controllers prepares before anything changes: it may refuse (the
   * write then changes nothing) and gives what to run once the new mask is stored.
   */
  @FunctionalInterface
  interface Restart {
    Runnable prepare(long disabled);
  }

  /** See {@link Hierarchy#writeSubtreeControl}; {@code restart} is asked for the controllers disabled. */
  void write(Cgroup c, String value, Restart restart) {
    Change asked = parse(c, value);
    Change change = effective(c, asked);
    if (change.enable() == 0 && change.disable() == 0) {
      return;
    }
    ThreadedMode.vetEnable(c, change.enable(), controllers);
    String clash = change.enable() == 0 ? null : entries.clash(c, change.enable());
    if (clash != null) {
      throw CgroupException.of(Errno.EEXIST, "cannot enable %s in %s: the entry %s would appear, but a cgroup has that name",
          String.join(" ", controllers.names(change.enable())), c, clash);
    }
    Runnable commit = change.disable() == 0 ? () -> {} : restart.prepare(change.disable());
    c.subtreeControl((c.subtreeControl() | change.enable()) & ~change.disable());
    commit.run();
  }

  /** @throws CgroupException {@code EINVAL} for a token that is not {@code +name}/{@code -name} of a known controller */
  private Change parse(Cgroup c, String value) {
    long enable = 0;
    long disable = 0;
    for (String tok : KernelText.strip(value).split(" ")) {
      if (tok.isEmpty()) {
        continue;
      }
      char op = tok.charAt(0);
      ControllerEntry<?> e = tok.length() > 1 ? controllers.get(tok.substring(1)) : null;
      if ((op != '+' && op != '-') || e == null) {
        throw CgroupException.of(Errno.EINVAL, "invalid cgroup.subtree_control token '%s' for %s: expected +name or -name of one of %s",
            tok, c, controllers.names());
      }
      if (op == '+') {
        enable |= e.bit();
        disable &= ~e.bit();
      } else {
        disable |= e.bit();
        enable &= ~e.bit();
      }
    }
    return new Change(enable, disable);
  }

  /**
   * Drops what is already so, and checks the rest.
   *
   * @throws CgroupException {@code ENOENT} enabling a controller that is not in {@code
   *     cgroup.controllers}, {@code EBUSY} disabling one a child still enables
   */
  private Change effective(Cgroup c, Change asked) {
    long enable = asked.enable();
    long disable = asked.disable();
    long current = c.subtreeControl();
    long available = c.visibleMask();
    for (ControllerEntry<?> e : controllers) {
      long bit = e.bit();
      if ((enable & bit) != 0) {
        if ((current & bit) != 0) {
          enable &= ~bit;
        } else if ((available & bit) == 0) {
          throw CgroupException.of(Errno.ENOENT, "cannot enable %s in %s: it is not in cgroup.controllers", e.name(), c);
        }
      } else if ((disable & bit) != 0) {
        if ((current & bit) == 0) {
          disable &= ~bit;
        } else {
          for (Cgroup child : c.children()) {
            if ((child.subtreeControl() & bit) != 0) {
              throw CgroupException.of(Errno.EBUSY, "cannot disable %s in %s: child %s still enables it", e.name(), c, child);
            }
          }
        }
      }
    }
    return new Change(enable, disable);
  }
}
