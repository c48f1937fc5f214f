package io.cgdev.controller.memory;

import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.FakeFileHandle;
import io.cgdev.testkit.LruReclaimer;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;

/** One device bound to the memory controller in a testkit tree, with an evicting fake driver. */
final class Fixture {
  static final long M = 1L << 20;

  final TestCgroups cgroups = new TestCgroups();
  final LruReclaimer lru = new LruReclaimer();
  final TestBinding<MemoryState> dev;
  final MemoryController controller = new MemoryController();
  final MemoryBinding binding;
  final MemoryCharging charging;

  Fixture(RegionSpec... regions) {
    DeviceSpec.Builder b = DeviceSpec.builder("dev0", "fake").controllers("memory").reclaimer(lru);
    for (RegionSpec r : regions) {
      b.region(r);
    }
    dev = cgroups.bind(controller, b.build());
    binding = (MemoryBinding) dev.binding();
    charging = dev.capability(MemoryCharging.class).orElseThrow();
    lru.connect(charging);
  }

  static Fixture oneRegion(long capacity) {
    return new Fixture(new RegionSpec("lmem0", capacity));
  }

  CgroupHandle mkdir(String path) {
    return cgroups.mkdir(path);
  }

  CgroupHandle cg(String path) {
    return cgroups.cgroup(path);
  }

  MemoryState state(String path) {
    return dev.state(path);
  }

  void alloc(String path, int region, long bytes) {
    lru.allocate(cg(path), region, bytes);
  }

  String read(String path, String file) {
    return dev.read(path, file);
  }

  String read(String path, String file, FakeFileHandle handle) {
    return dev.read(cg(path), file, handle);
  }

  void write(String path, String file, String value) {
    dev.write(path, file, value);
  }

  CgroupFile<MemoryState> file(String name) {
    return dev.file(name);
  }
}
