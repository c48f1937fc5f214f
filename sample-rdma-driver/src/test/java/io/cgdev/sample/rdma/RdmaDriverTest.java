package io.cgdev.sample.rdma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.core.Cgroups;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rdma driver found by ServiceLoader from the module path, registering its adapter memory with
 * the memory controller; memory registrations are charged and limited like GPU memory.
 */
class RdmaDriverTest {
  private Cgroups cg;
  private CgroupFs fs;
  private RdmaDriver rdma;

  @BeforeEach
  void boot() {
    cg = Cgroups.builder().discover(true).build();
    fs = cg.fs();
    rdma = cg.driver(RdmaDriver.class).orElseThrow();
    fs.write("/cgroup.subtree_control", "+memory");
    fs.mkdir("/a");
  }

  @AfterEach
  void close() {
    cg.close();
  }

  @Test
  void theAdapterRegistersWithTheMemoryController() {
    assertThat(cg.devices()).contains("rdma0");
    assertThat(fs.read("/memory.devices/rdma0/memory.capacity").strip()).isEqualTo(Long.toString(RdmaDriver.CAPACITY));
    assertThat(fs.read("/a/memory.devices/rdma0/memory.max")).isEqualTo("max\n");
  }

  @Test
  void registrationsAreChargedAndLimitedAndNeverEvicted() throws Exception {
    fs.write("/a/memory.devices/rdma0/memory.max", "1M");
    Task t = cg.tasks().spawn("t", CgroupPath.parse("/a"));
    try (AutoCloseable mr = rdma.allocate("rdma0", "devmem", t, 768 << 10)) {
      assertThat(fs.read("/a/memory.devices/rdma0/memory.current")).isEqualTo((768 << 10) + "\n");
      assertThatThrownBy(() -> rdma.allocate("rdma0", "devmem", t, 512 << 10))
          .isInstanceOf(CgroupException.class).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
      assertThat(rdma.registeredBytes()).isEqualTo(768 << 10);
      assertThat(fs.read("/a/memory.devices/rdma0/memory.events")).contains("max 1").contains("oom 1");
    }
    assertThat(fs.read("/a/memory.devices/rdma0/memory.current")).isEqualTo("0\n");
    assertThat(rdma.registeredBytes()).isZero();
  }

  @Test
  void theAdapterRefusesMoreThanItHolds() {
    Task t = cg.tasks().spawn("t", CgroupPath.parse("/a"));
    assertThatThrownBy(() -> rdma.allocate("rdma0", "devmem", t, RdmaDriver.CAPACITY + 4096))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOSPC);
    assertThatThrownBy(() -> rdma.allocate("gpu0", "devmem", t, 4096))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENODEV);
  }
}
