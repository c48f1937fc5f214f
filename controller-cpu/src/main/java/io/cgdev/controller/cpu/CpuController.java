package io.cgdev.controller.cpu;

import io.cgdev.api.Bandwidth;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Numbers;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.plugin.support.PressureFile;
import java.util.List;

/**
 * The {@code cpu} controller (the kernel's cpu cgroup_subsys, for device engines) as a table: its
 * per-device files and its binding. Found by {@link java.util.ServiceLoader}; the core calls every
 * method under its hierarchy lock.
 *
 * <p>Files under {@code <cgroup>/cpu.devices/<device>/}:
 * <ul>
 *   <li>{@code cpu.weight} (not on root): 1..10000, default 100, {@code ERANGE} outside.
 *   <li>{@code cpu.weight.nice} (not on root): -20..19 mapped through the kernel's nice table; reads
 *       the nice value closest to the weight.
 *   <li>{@code cpu.max} (not on root): {@code $MAX $PERIOD} in µs, default {@code max 100000}.
 *   <li>{@code cpu.max.burst} (not on root): µs of unused quota that may carry over, at most the
 *       quota; {@code EINVAL} otherwise.
 *   <li>{@code cpu.stat}: usage and throttling counters; the root's usage is the whole device's.
 *   <li>{@code cpu.pressure}: how long the cgroup's clients waited for the device's engines, in the
 *       kernel's PSI format ({@code some}: at least one runnable client waited; {@code full}: clients
 *       waited and none ran).
 * </ul>
 */
public final class CpuController implements Controller<CpuState> {
  /** Creates the controller; called by {@link java.util.ServiceLoader} or a test. */
  public CpuController() {}

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public List<CgroupFile<CpuState>> deviceFiles() {
    return List.of(
        CgroupFile.readWrite("weight",
            (s, h) -> CpuWeight.weightOf(s.load) + "\n",
            (s, v, h) -> s.load = CpuWeight.parseWeight(v),
            FileFlag.NOT_ON_ROOT),
        CgroupFile.readWrite("weight.nice",
            (s, h) -> CpuWeight.niceOf(s.load) + "\n",
            (s, v, h) -> s.load = CpuWeight.parseNice(v),
            FileFlag.NOT_ON_ROOT),
        CgroupFile.readWrite("max",
            (s, h) -> s.pool.limit().format() + "\n",
            (s, v, h) -> s.binding.setLimit(s, Bandwidth.parse(v, s.pool.limit())),
            FileFlag.NOT_ON_ROOT),
        CgroupFile.readWrite("max.burst",
            (s, h) -> s.pool.burstUsec() + "\n",
            (s, v, h) -> s.binding.setBurst(s, parseBurst(v)),
            FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly("stat", (s, h) -> s.stat()),
        PressureFile.of("pressure", s -> s.pressure, s -> !s.isRoot(), s -> () -> s.binding.notifyPressure(s)));
  }

  @Override
  public DeviceBinding<CpuState> bind(BindContext<CpuState> context) {
    return new CpuBinding(context);
  }

  /**
   * Parses {@code cpu.max.burst}: µs, 0..2^44-1. The kernel's file is a {@code cftype.write_u64}, so
   * the text is read by {@code kstrtoull(buf, 0)} ({@code +}, {@code 0x}, octal; {@code ERANGE} past
   * 64 bits) before the bandwidth check.
   *
   * @throws CgroupException {@code EINVAL} for anything else (the kernel validates bandwidth values
   *     as a whole), {@code ERANGE} for a number past 64 bits
   */
  static long parseBurst(String text) {
    long usec = Numbers.parseKernelU64(text, "cpu.max.burst");
    if (Long.compareUnsigned(usec, Bandwidth.MAX_QUOTA_USEC) > 0) {
      throw CgroupException.of(Errno.EINVAL, "cpu.max.burst '%s' out of range 0..%d", text.strip(),
          Bandwidth.MAX_QUOTA_USEC);
    }
    return usec;
  }
}
