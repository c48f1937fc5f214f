package io.cgdev.tck;

import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.controller.cpu.CpuController;
import io.cgdev.controller.cpuset.CpusetController;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.drm.DmaBuf;
import io.cgdev.drm.DrmFile;
import io.cgdev.i915.I915Driver;
import java.util.List;

/**
 * Our i915 driver passes the kit: GEM create/close and prime export/import are the callbacks; under
 * {@code memory.max} of local0 it evicts idle objects to system memory.
 */
class I915ConformanceTest extends DriverConformance {
  @Override
  protected DriverUnderTest driverUnderTest() {
    return new DriverUnderTest() {
      private final I915Driver driver = new I915Driver();

      @Override
      public DriverProvider provider() {
        return driver;
      }

      @Override
      public List<Controller<?>> controllers() {
        return List.of(new MemoryController(), new CpuController(), new CpusetController());
      }

      @Override
      public String device() {
        return "i915.0";
      }

      @Override
      public String region() {
        return "local0";
      }

      @Override
      public List<String> regions() {
        // i915's region names since the wt-mem merge (system0 is host memory and never charged)
        return List.of("local0");
      }

      @Override
      public boolean evictable() {
        return true; // idle local-memory objects move to system memory under a limit
      }

      @Override
      public Buffer allocate(Task task, long bytes) {
        return allocate(task, region(), bytes);
      }

      @Override
      public Buffer allocate(Task task, String region, long bytes) {
        DrmFile file = driver.device(device()).open(task);
        int handle = file.createGem(bytes, region);
        return new Gem(file, handle);
      }

      final class Gem implements Buffer {
        private final DrmFile file;
        private final int handle;

        Gem(DrmFile file, int handle) {
          this.file = file;
          this.handle = handle;
        }

        @Override
        public void free() {
          file.closeHandle(handle);
          file.close();
        }

        @Override
        public Buffer share(Task importer) {
          DmaBuf buf = file.exportPrime(handle);
          DrmFile other = driver.device(device()).open(importer);
          Gem imported = new Gem(other, other.importPrime(buf));
          buf.close();
          return imported;
        }
      }
    };
  }
}
