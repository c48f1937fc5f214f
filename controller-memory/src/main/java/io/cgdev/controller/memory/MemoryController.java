package io.cgdev.controller.memory;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.Keyed;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.FileHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@code memory} controller for devices: memcg's files and semantics per device ({@code
 * memory.current}, {@code min}, {@code low}, {@code high}, {@code max}, {@code peak}, {@code events},
 * {@code events.local}, {@code stat}, and {@code capacity} at the root), charged by drivers through
 * {@link io.cgdev.api.spi.MemoryCharging} with dmem-style eviction through the device's reclaimer.
 *
 * <p>Besides the per-device folders it offers a dmem-style keyed view in each cgroup: {@code
 * memory.region.current}, {@code .capacity} (root), {@code .min}, {@code .low}, {@code .max} with one
 * {@code <device>/<region> <value>} line per region of every bound device, writable (all or nothing)
 * like dmem's files.
 *
 * <p>Created by the core (ServiceLoader or builder); its methods run under the hierarchy lock.
 */
public final class MemoryController implements Controller<MemoryState> {
  private final List<MemoryBinding> bindings = new CopyOnWriteArrayList<>();

  /** Called by the core (ServiceLoader or builder). */
  public MemoryController() {}

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public List<CgroupFile<MemoryState>> deviceFiles() {
    return MemoryFiles.deviceFiles();
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(
        CgroupFile.readOnly("region.current", (cg, h) -> keyed(cg, s -> r -> s.usage(r))),
        CgroupFile.readOnly("region.capacity", (cg, h) -> keyed(cg, s -> r -> s.binding().regionSpec(r).capacity()),
            FileFlag.ONLY_ON_ROOT),
        hostLimit(MemoryFiles.Limit.MIN),
        hostLimit(MemoryFiles.Limit.LOW),
        hostLimit(MemoryFiles.Limit.MAX));
  }

  @Override
  public DeviceBinding<MemoryState> bind(BindContext<MemoryState> context) {
    MemoryBinding b = new MemoryBinding(this, context);
    bindings.add(b);
    return b;
  }

  void unbound(MemoryBinding binding) {
    bindings.remove(binding);
  }

  private CgroupFile<CgroupHandle> hostLimit(MemoryFiles.Limit limit) {
    return CgroupFile.readWrite(
        "region." + limit.name().toLowerCase(java.util.Locale.ROOT),
        (cg, h) -> keyed(cg, s -> r -> limit.read(s.counter(r))),
        (cg, value, h) -> writeKeyed(cg, limit, value, h),
        FileFlag.NOT_ON_ROOT);
  }

  private interface StateValue {
    MemoryFiles.RegionValue of(MemoryState s);
  }

  private List<MemoryBinding> sortedBindings() {
    List<MemoryBinding> list = new ArrayList<>(bindings);
    list.sort(Comparator.comparing(MemoryBinding::deviceName));
    return list;
  }

  private String keyed(CgroupHandle cgroup, StateValue value) {
    Keyed.Flat out = Keyed.flat();
    for (MemoryBinding b : sortedBindings()) {
      MemoryState s;
      try {
        s = cgroup.state(b.key());
      } catch (CgroupException e) {
        continue; // unregistered while we read
      }
      MemoryFiles.RegionValue v = value.of(s);
      for (int r = 0; r < b.regionCount(); r++) {
        out.put(b.deviceName() + "/" + b.regionName(r), ByteSize.format(v.of(r)));
      }
    }
    String text = out.toString();
    return text.isEmpty() ? "\n" : text;
  }

  private void writeKeyed(CgroupHandle cgroup, MemoryFiles.Limit limit, String value, FileHandle handle) {
    Map<MemoryBinding, StringBuilder> perDevice = new LinkedHashMap<>();
    String file = "memory.region." + limit.name().toLowerCase(java.util.Locale.ROOT);
    for (String line : KernelText.strip(value).split("\n")) {
      String[] f = KernelText.fields(line); // the kernel's white space only
      if (f.length == 0) {
        continue;
      }
      int slash = f[0].lastIndexOf('/');
      if (f.length != 2 || slash <= 0) {
        throw CgroupException.of(Errno.EINVAL, "%s: invalid line '%s': expected '<device>/<region> <bytes>|max'", file,
            KernelText.strip(line));
      }
      String device = f[0].substring(0, slash);
      MemoryBinding b = bindings.stream().filter(x -> x.deviceName().equals(device)).findFirst()
          .orElseThrow(() -> CgroupException.of(Errno.EINVAL, "%s: unknown device '%s'", file, device));
      perDevice.computeIfAbsent(b, k -> new StringBuilder()).append(f[0].substring(slash + 1)).append(' ').append(f[1]).append('\n');
    }
    if (perDevice.isEmpty()) {
      throw CgroupException.of(Errno.EINVAL, "%s: empty write", file);
    }
    // parse everything before changing anything
    Map<MemoryBinding, long[]> parsed = new LinkedHashMap<>();
    perDevice.forEach((b, text) -> parsed.put(b, MemoryFiles.parseLimits(b, limit, text.toString())));
    Map<MemoryBinding, MemoryState> states = new LinkedHashMap<>();
    parsed.keySet().forEach(b -> states.put(b, cgroup.state(b.key())));
    parsed.forEach((b, values) -> {
      for (int r = 0; r < values.length; r++) {
        if (values[r] != MemoryFiles.UNCHANGED) {
          limit.apply(states.get(b), r, values[r], handle.nonBlocking());
        }
      }
    });
  }
}
