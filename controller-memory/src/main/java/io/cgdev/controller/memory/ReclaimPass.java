package io.cgdev.controller.memory;

import io.cgdev.api.CgroupException;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.ReclaimRequest;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pass of a reclaim request, as the dmem controller's eviction check ({@code
 * dmem_cgroup_state_evict_valuable}): memory of the scope itself may always go; memory of a cgroup
 * in the scope's subtree may go while its usage is above its effective min and, in the first pass,
 * above its effective low. When the first pass refuses someone for low, {@link #hitLow()} tells the
 * caller to run a second pass that ignores low; that pass counts the {@code low} event once for each
 * cgroup it lets go below its effective low.
 *
 * <p>Unlike dmem, a reclaim scoped at the root (a full device) still honours protection. Effective
 * protection of the whole subtree is computed once when the pass starts and kept for the pass (as
 * the kernel computes it once per reclaim round; dmem recomputes it for every buffer, which lets a
 * cgroup's protection shrink while it is being evicted and makes the result depend on the driver's
 * eviction order); usage is read live on every call. Thread-safe while the reclaim call runs.
 */
final class ReclaimPass implements ReclaimRequest {
  private final MemoryBinding binding;
  private final long bytes;
  private final MemoryState scope;
  private final boolean ignoreLow;
  private volatile boolean hitLow;
  private final Set<MemoryState> breachedLow = ConcurrentHashMap.newKeySet();
  private final Map<MemoryState, long[]> protection;
  private static final long[] NONE = {0, 0};

  ReclaimPass(MemoryBinding binding, long bytes, MemoryState scope, boolean ignoreLow) {
    this.binding = binding;
    this.bytes = bytes;
    this.scope = scope;
    this.ignoreLow = ignoreLow;
    this.protection = Protection.subtree(scope);
  }

  MemoryBinding binding() {
    return binding;
  }

  @Override
  public String region() {
    return binding.regionName();
  }

  @Override
  public long bytes() {
    return bytes;
  }

  @Override
  public CgroupHandle scope() {
    return scope.cgroup();
  }

  /** True if the pass refused some memory only because of {@code memory.low}. */
  boolean hitLow() {
    return hitLow;
  }

  @Override
  public boolean mayEvict(CgroupHandle owner) {
    MemoryState state;
    try {
      state = owner.state(binding.key());
    } catch (CgroupException e) {
      return false;
    }
    PageCounter limit = scope.counter();
    PageCounter c = state.counter();
    if (c == limit) {
      return true;
    }
    long[] prot = protection.get(state);
    if (prot == null) {
      // not in the subtree, or without usage when the pass started, or in a part of the subtree
      // where no level sets min or low: nothing to protect
      if (!isBelow(c, limit)) {
        return false;
      }
      prot = NONE;
    }
    long usage = c.usage();
    if (usage <= prot[0]) {
      return false;
    }
    if (usage > prot[1]) {
      return true;
    }
    if (!ignoreLow) {
      hitLow = true;
      return false;
    }
    if (breachedLow.add(state)) {
      state.count(MemoryEvent.LOW);
    }
    return true;
  }

  private static boolean isBelow(PageCounter c, PageCounter scope) {
    for (PageCounter p = c; p != null; p = p.parent()) {
      if (p == scope) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "reclaim " + bytes + " bytes of " + binding.deviceName() + "/" + region() + " below "
        + scope.cgroup().path() + (ignoreLow ? " (ignoring low)" : "");
  }
}
