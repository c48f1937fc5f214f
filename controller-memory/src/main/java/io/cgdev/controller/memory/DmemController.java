package io.cgdev.controller.memory;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileFlag;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The {@code dmem} controller: the kernel's dmem files (kernel/cgroup/dmem.c) over the memory
 * controller's counters, byte for byte, so that tools written for dmem (systemd's {@code
 * DeviceMemoryMin=}/{@code DeviceMemoryLow=}, dmemcg-booster) work unchanged. It governs no device
 * of its own: every memory registration appears as one dmem region, named by its {@code dmem.region}
 * attribute ({@code drm/<pci address>/<region>} for DRM devices, as {@code
 * drmm_cgroup_register_region} names them; {@code <device>/<region>} otherwise). One resource, two
 * views: a limit written here is the one {@code memory.devices/<dev>/memory.*} shows, and nothing
 * is ever charged twice.
 *
 * <p>Files (host files of each cgroup where {@code dmem} is enabled, one {@code <region> <value>} line
 * per region in registration order, values in bytes or {@code max}):
 * <ul>
 *   <li>{@code dmem.capacity} (root only): the region's size;
 *   <li>{@code dmem.current}: usage of the cgroup and its descendants;
 *   <li>{@code dmem.peak} (not on the root): the all-time watermark (no per-handle reset, unlike
 *       {@code memory.peak});
 *   <li>{@code dmem.min}, {@code dmem.low}, {@code dmem.max} (not on the root): one {@code <region>
 *       <value>} pair per write, parsed as {@code dmemcg_limit_write} does.
 * </ul>
 * Where dmem differs from memcg, so does this view: values are bytes, never rounded to pages; only
 * one region may be written per write (mainline since dmem stopped accepting several lines: a second
 * line is {@code EINVAL} and nothing changes); a {@code dmem.max} below usage is ignored (the write
 * succeeds, the limit stays: {@code page_counter_set_max}'s refusal is dropped by dmem) and nothing
 * is reclaimed; values of {@code PAGE_COUNTER_MAX} or more print as {@code max}.
 *
 * <p>Created by the core (ServiceLoader or builder); its readers run on any thread, its writers under
 * the hierarchy lock.
 */
public final class DmemController implements Controller<DeviceState> {
  /** Called by the core (ServiceLoader or builder). */
  public DmemController() {}

  @Override
  public String name() {
    return "dmem";
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    return List.of(
        CgroupFile.readOnly("capacity", (cg, h) -> capacity(cg), FileFlag.ONLY_ON_ROOT),
        CgroupFile.readOnly("current", (cg, h) -> show(cg, MemoryState::usage)),
        CgroupFile.readOnly("peak", (cg, h) -> show(cg, s -> s.counter().watermark()), FileFlag.NOT_ON_ROOT),
        limit("min", s -> s.counter().min(), (b, s, v) -> s.counter().setMin(v)),
        limit("low", s -> s.counter().low(), (b, s, v) -> s.counter().setLow(v)),
        limit("max", s -> s.counter().max(), (b, s, v) -> b.setMaxUnlessBelowUsage(s, v)));
  }

  /** The dmem view has no per-device files: it shows every memory registration in each file. */
  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of();
  }

  /**
   * No device registers with {@code dmem}: drivers register with {@code memory}, and their regions
   * appear here.
   *
   * @throws CgroupException {@code EINVAL} always
   */
  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    throw CgroupException.of(Errno.EINVAL, "device %s asks for the dmem controller: dmem is a view of the memory"
        + " controller; register the device with 'memory' and its region appears in dmem.*", context.registration().name());
  }

  /** How a limit file applies a value to a state. */
  @FunctionalInterface
  private interface Apply {
    void apply(MemoryBinding binding, MemoryState state, long bytes);
  }

  private static CgroupFile<CgroupHandle> limit(String name, ToLongFunction<MemoryState> read, Apply apply) {
    return CgroupFile.readWrite(name, (cg, h) -> show(cg, read), (cg, value, h) -> write(cg, "dmem." + name, value, apply),
        FileFlag.NOT_ON_ROOT);
  }

  /** {@code dmem_cgroup_region_capacity_show}: each region's size, as a plain number. */
  private static String capacity(CgroupHandle cgroup) {
    StringBuilder sb = new StringBuilder();
    for (MemoryBinding b : MemoryDevices.of(cgroup).bindings()) {
      sb.append(b.dmemName()).append(' ').append(b.regionSpec().capacity()).append('\n');
    }
    return sb.toString();
  }

  /** {@code dmemcg_limit_show}: each region's value, {@code max} from {@code PAGE_COUNTER_MAX} on. */
  private static String show(CgroupHandle cgroup, ToLongFunction<MemoryState> value) {
    StringBuilder sb = new StringBuilder();
    for (MemoryBinding b : MemoryDevices.of(cgroup).bindings()) {
      MemoryState s;
      try {
        s = cgroup.state(b.key());
      } catch (CgroupException e) {
        continue; // unregistered while we read
      }
      long v = value.applyAsLong(s);
      sb.append(b.dmemName()).append(v < Memparse.DMEM_MAX ? " " + v + "\n" : " max\n");
    }
    return sb.toString();
  }

  /**
   * {@code dmemcg_limit_write}: the (stripped) value splits at its first space or tab into a region
   * name and a limit; the region must exist, the limit is {@code max} or a {@code memparse} size with
   * nothing after it. Any error is {@code EINVAL} and changes nothing.
   */
  private static void write(CgroupHandle cgroup, String file, String value, Apply apply) {
    int sep = 0;
    while (sep < value.length() && value.charAt(sep) != ' ' && value.charAt(sep) != '\t') {
      sep++;
    }
    if (sep == value.length() || sep == 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: invalid write '%s': expected '<region> <bytes>|max', e.g. %s", file, value,
          example(cgroup));
    }
    String name = value.substring(0, sep);
    String limit = value.substring(sep + 1);
    MemoryBinding binding = null;
    for (MemoryBinding b : MemoryDevices.of(cgroup).bindings()) {
      if (b.dmemName().equals(name)) {
        binding = b; // the first of that name, as dmemcg_get_region_by_name finds it
        break;
      }
    }
    if (binding == null) {
      throw CgroupException.of(Errno.EINVAL, "%s: unknown region '%s' (regions: %s)", file, name, regions(cgroup));
    }
    if (limit.indexOf('\n') >= 0) {
      throw CgroupException.of(Errno.EINVAL, "%s: invalid write '%s': one '<region> <value>' pair per write (dmem takes"
          + " no several lines)", file, value);
    }
    long bytes = Memparse.dmemBytes(limit, file);
    apply.apply(binding, cgroup.state(binding.key()), bytes);
  }

  private static String regions(CgroupHandle cgroup) {
    List<String> names = MemoryDevices.of(cgroup).bindings().stream().map(MemoryBinding::dmemName).toList();
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  private static String example(CgroupHandle cgroup) {
    List<MemoryBinding> b = MemoryDevices.of(cgroup).bindings();
    return (b.isEmpty() ? "drm/0000:03:00.0/vram0" : b.get(0).dmemName()) + " 256M";
  }
}
