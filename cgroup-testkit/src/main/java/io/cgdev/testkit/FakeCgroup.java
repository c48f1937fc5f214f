package io.cgdev.testkit;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.StateKey;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A cgroup of a {@link FakeCgroups} tree, as plugins see it. Made only by {@link FakeCgroups#mkdir};
 * one cgroup, one handle, so handles compare with {@code ==} and stay usable (e.g. as the owner of a
 * charge) after removal. Every method is lock-free and may be called from any thread.
 *
 * <p>It holds its states in an array indexed by the binding's slot, as the core does, so {@link
 * #state} is O(1).
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class FakeCgroup implements CgroupHandle {
  private final FakeCgroups owner;
  private final FakeCgroup parent;
  private final CgroupPath path;
  private final int id;
  private volatile boolean online = true;
  /** Replaced (grown) under the hierarchy lock; elements set under it, read without it. */
  private volatile AtomicReferenceArray<DeviceState> states;
  /** Live children; hierarchy lock only. */
  int children;

  FakeCgroup(FakeCgroups owner, FakeCgroup parent, CgroupPath path, int id, int slots) {
    this.owner = owner;
    this.parent = parent;
    this.path = path;
    this.id = id;
    this.states = new AtomicReferenceArray<>(slots);
  }

  @Override
  public CgroupPath path() {
    return path;
  }

  /** Dense, lowest free first, reused only after a removed cgroup is freed; the root is 0. */
  @Override
  public int id() {
    return id;
  }

  @Override
  public FakeCgroup parent() {
    return parent;
  }

  @Override
  public int level() {
    return path.depth();
  }

  /** False once removed; a removed cgroup may still be dying (see {@link FakeCgroups#dying()}). */
  @Override
  public boolean online() {
    return online;
  }

  /**
   * This cgroup's state for a binding of the same {@link FakeCgroups}. O(1), no lock.
   *
   * @throws CgroupException {@code ENODEV} once the registration behind {@code key} was unbound, or
   *     when this removed cgroup's states were freed
   * @throws IllegalArgumentException for a key another {@link FakeCgroups} (or the real core) made:
   *     that is a bug in the test
   */
  @Override
  public <S extends DeviceState> S state(StateKey<S> key) {
    if (!(key instanceof FakeKey<S> k) || k.registration().owner() != owner) {
      throw new IllegalArgumentException("state key " + key + " was not made by the FakeCgroups that holds " + path);
    }
    if (!k.registration().live()) {
      throw CgroupException.of(Errno.ENODEV, "no state for %s in %s: the device was unregistered", key, path);
    }
    AtomicReferenceArray<DeviceState> a = states;
    DeviceState s = k.slot() < a.length() ? a.get(k.slot()) : null;
    if (s == null) {
      throw CgroupException.of(Errno.ENODEV, "no state for device %s in %s: the cgroup was removed",
          k.registration().name(), path);
    }
    @SuppressWarnings("unchecked") // a slot only ever holds states made by the binding that owns the slot
    S typed = (S) s;
    return typed;
  }

  @Override
  public String toString() {
    return path.toString();
  }

  // ---- under the hierarchy lock ----

  boolean ownedBy(FakeCgroups cgroups) {
    return owner == cgroups;
  }

  void offlineHandle() {
    online = false;
  }

  DeviceState stateAt(int slot) {
    AtomicReferenceArray<DeviceState> a = states;
    return slot < a.length() ? a.get(slot) : null;
  }

  void setState(int slot, DeviceState state) {
    AtomicReferenceArray<DeviceState> a = states;
    if (slot >= a.length()) {
      AtomicReferenceArray<DeviceState> grown = new AtomicReferenceArray<>(Math.max(slot + 1, a.length() * 2));
      for (int i = 0; i < a.length(); i++) {
        grown.set(i, a.get(i));
      }
      states = grown;
      a = grown;
    }
    a.set(slot, state);
  }

  int slotCount() {
    return states.length();
  }

  boolean statesDrained() {
    AtomicReferenceArray<DeviceState> a = states;
    for (int i = 0; i < a.length(); i++) {
      DeviceState s = a.get(i);
      if (s != null && !s.drained()) {
        return false;
      }
    }
    return true;
  }
}
