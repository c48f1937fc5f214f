package io.cgdev.tck;

import static io.cgdev.tck.ControllerConformance.Write.accepted;
import static io.cgdev.tck.ControllerConformance.Write.refused;

import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.controller.memory.MemoryController;
import java.util.List;

/** Our memory controller passes the kit, with memcg's documented size formats and a page charger. */
class MemoryControllerConformanceTest extends ControllerConformance {
  @Override
  protected Controller<?> controller() {
    return new MemoryController();
  }

  @Override
  protected List<Write> writes() {
    return List.of(
        accepted("memory.max", "1M", "1048576\n"),
        accepted("memory.max", "2g", "2147483648\n"),
        accepted("memory.max", "10000", "8192\n"), // rounded down to the 4 KiB page
        accepted("memory.max", "8E", "max\n"), // 2^63 bytes: more than the page counter holds
        accepted("memory.max", "512K", "524288\n"),
        accepted("memory.max", "max", "max\n"),
        refused("memory.max", "-1", Errno.EINVAL),
        refused("memory.max", "1.5G", Errno.EINVAL),
        refused("memory.max", "12Q", Errno.EINVAL),
        refused("memory.max", "1M 2M", Errno.EINVAL),
        accepted("memory.max", " ", "0\n"), // page_counter_memparse of nothing is 0, as in the kernel
        accepted("memory.high", "64M", "67108864\n"),
        accepted("memory.low", "4K", "4096\n"),
        refused("memory.min", "mem0 8K", Errno.EINVAL), // no keyed per-region form: one region per registration
        accepted("memory.swap.max", "0", "0\n"),
        accepted("memory.swap.max", "1G", "1073741824\n"));
  }

  @Override
  protected Charger charger(DeviceRegistration registration) {
    MemoryCharging memory = registration.capability(MemoryCharging.class).orElseThrow();
    int region = memory.region("mem0");
    return cgroup -> {
      MemoryCharging.Pool pool = memory.charge(cgroup, region, 4096);
      return () -> memory.uncharge(pool, 4096);
    };
  }
}
