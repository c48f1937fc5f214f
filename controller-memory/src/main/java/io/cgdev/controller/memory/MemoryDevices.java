package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The memory registrations of one hierarchy, in registration order: what the {@code memory}
 * controller binds and the {@code dmem} view reads. The two controllers are separate plugin
 * instances (one each per hierarchy, made by the core); they meet here, through the hierarchy's
 * root handle, which both see. Roots and bindings are held weakly (the core holds them strongly
 * while they live), so a closed hierarchy leaves nothing behind. Thread-safe.
 */
final class MemoryDevices {
  private static final Map<CgroupHandle, MemoryDevices> BY_ROOT = new WeakHashMap<>();

  // read by file readers on any thread, changed under the hierarchy lock (bind, unbind)
  private final List<WeakReference<MemoryBinding>> bindings = new CopyOnWriteArrayList<>();

  private MemoryDevices() {}

  /** The registry of the hierarchy whose root is {@code root} (or that {@code cgroup} belongs to). */
  static MemoryDevices of(CgroupHandle cgroup) {
    CgroupHandle root = cgroup;
    while (root.parent() != null) {
      root = root.parent();
    }
    synchronized (BY_ROOT) {
      return BY_ROOT.computeIfAbsent(root, r -> new MemoryDevices());
    }
  }

  void add(MemoryBinding binding) {
    bindings.add(new WeakReference<>(binding));
  }

  void remove(MemoryBinding binding) {
    bindings.removeIf(ref -> ref.get() == binding || ref.get() == null);
  }

  /** The bound registrations, oldest first (dmem lists regions in registration order). */
  List<MemoryBinding> bindings() {
    List<MemoryBinding> out = new ArrayList<>(bindings.size());
    for (WeakReference<MemoryBinding> ref : bindings) {
      MemoryBinding b = ref.get();
      if (b != null && b.bound()) {
        out.add(b);
      }
    }
    return out;
  }
}
