package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The DRM model reacting to {@code cgroup.freeze} and {@code cgroup.kill} written through the file
 * view of a booted hierarchy (memory controller; engines shared round-robin): a frozen task's
 * clients get no device time while a sibling's do, its memory stays charged and its idle buffers can
 * be evicted; after a thaw it runs again; a killed task's clients are closed and all its memory is
 * uncharged.
 */
class FrozenAndKilledTasksTest {
  static final long M = 1 << 20;
  static final long SLICE = DrmDevice.TIMESLICE_NANOS;
  private final DrmDevice[] device = new DrmDevice[1];
  private final Cgroups cg = Cgroups.builder().discover(false).controller(new MemoryController())
      .driver(new DriverProvider() {
        @Override
        public String name() {
          return "testgpu";
        }

        @Override
        public void probe(DriverContext context) {
          MemoryRegion smem = MemoryRegion.system("smem", 64 * M);
          MemoryRegion lmem = MemoryRegion.local("lmem0", 16 * M, 64 << 10);
          DeviceConfig config = new DeviceConfig("gpu.0", "0000:03:00.0", List.of(smem, lmem),
              List.of(new EngineSpec("rcs0", "render")), List.of("lmem0", "smem"),
              List.of(new DeviceConfig.CgroupDevice("gpu.0", List.of("smem", "lmem0"), true)));
          device[0] = new DrmDevice(DrmDriver.of("testgpu", EnumSet.allOf(DriverFeature.class), Set.of("memory")), config);
          device[0].register(context);
        }
      }).build();
  private final CgroupFs fs = cg.fs();

  @AfterEach
  void close() {
    cg.close();
  }

  private long lmemCurrent(String cgroup) {
    return Long.parseLong(fs.read(cgroup + "/memory.devices/gpu.0/memory.current").strip());
  }

  @Test
  void aFrozenTaskGetsNoDeviceTimeKeepsItsMemoryAndRunsAgainAfterTheThaw() {
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/a");
    fs.mkdir("/b");
    DrmDevice dev = device[0];
    Task ta = cg.tasks().spawn("a", CgroupPath.parse("/a"));
    Task tb = cg.tasks().spawn("b", CgroupPath.parse("/b"));
    DrmFile a = dev.open(ta);
    DrmFile b = dev.open(tb);
    int buffer = a.createGem(4 * M, "lmem0");
    int idle = a.createGem(8 * M, "lmem0", "smem");
    dev.submit(a, "render", 20 * SLICE, buffer);
    dev.submit(b, "render", 20 * SLICE);
    dev.runFor(4 * SLICE);
    long before = a.runtime("render");
    assertThat(before).isPositive();
    fs.write("/a/cgroup.freeze", "1");
    assertThat(a.frozen()).isTrue();
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 1\nfrozen 1\n");
    long bBefore = b.runtime("render");
    dev.runFor(6 * SLICE);
    assertThat(a.runtime("render")).as("no device time while frozen").isEqualTo(before);
    assertThat(b.runtime("render") - bBefore).as("the sibling takes the whole engine").isEqualTo(6 * SLICE);
    assertThat(lmemCurrent("/a")).as("its memory stays charged").isEqualTo(12 * M);
    // its idle buffer stays evictable: a sibling that needs the local memory pushes it out to smem, where it
    // is charged to a's swap (as memcg swaps a frozen task's pages); the buffer its queued batch uses is active and stays
    b.createGem(8 * M, "lmem0");
    assertThat(a.object(idle).evictions()).isEqualTo(1);
    assertThat(a.object(idle).region()).isEqualTo("smem");
    assertThat(a.object(buffer).region()).isEqualTo("lmem0");
    assertThat(fs.read("/a/memory.devices/gpu.0/memory.current")).isEqualTo(4 * M + "\n");
    assertThat(fs.read("/a/memory.devices/gpu.0/memory.swap.current")).isEqualTo(8 * M + "\n");
    // a frozen task's new client starts frozen too
    DrmFile late = dev.open(ta);
    assertThat(late.frozen()).isTrue();
    dev.submit(late, "render", SLICE);
    dev.runFor(20 * SLICE);
    assertThat(late.runtime("render")).isZero();
    fs.write("/a/cgroup.freeze", "0");
    assertThat(a.frozen()).isFalse();
    dev.runFor(40 * SLICE);
    assertThat(a.runtime("render")).isEqualTo(20 * SLICE);
    assertThat(late.runtime("render")).isEqualTo(SLICE);
  }

  @Test
  void killedTasksLoseTheirClientsAndAllTheirMemoryIsUncharged() {
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/a");
    fs.mkdir("/b");
    DrmDevice dev = device[0];
    Task ta = cg.tasks().spawn("a", CgroupPath.parse("/a"));
    Task tb = cg.tasks().spawn("b", CgroupPath.parse("/b"));
    DrmFile a = dev.open(ta);
    DrmFile a2 = dev.open(ta);
    DrmFile b = dev.open(tb);
    int h = a.createGem(4 * M, "lmem0");
    a2.createGem(2 * M, "smem");
    b.createGem(M, "lmem0");
    dev.submit(a, "render", 5 * SLICE, h);
    fs.write("/a/cgroup.freeze", "1"); // killed while frozen, as the kernel allows
    fs.write("/a/cgroup.kill", "1");
    assertThat(a.isOpen()).isFalse();
    assertThat(a2.isOpen()).isFalse();
    assertThat(b.isOpen()).isTrue();
    assertThat(fs.read("/a/memory.devices/gpu.0/memory.current")).isEqualTo("0\n");
    assertThat(fs.read("/a/memory.devices/gpu.0/memory.swap.current")).isEqualTo("0\n");
    assertThat(lmemCurrent("/b")).isEqualTo(M);
    assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 1\n");
    CgroupException closed = (CgroupException) org.assertj.core.api.Assertions.catchThrowable(() -> a.object(h));
    assertThat(closed.errno()).isEqualTo(Errno.EBADF);
    CgroupException exited = (CgroupException) org.assertj.core.api.Assertions.catchThrowable(() -> a.createGem(M));
    assertThat(exited.errno()).as("its task has exited").isEqualTo(Errno.ESRCH);
    fs.rmdir("/a");
    assertThat(fs.read("/cgroup.stat")).contains("nr_dying_descendants 0");
  }
}
