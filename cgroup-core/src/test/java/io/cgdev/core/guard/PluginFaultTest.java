package io.cgdev.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.core.Cgroups;
import io.cgdev.core.Diagnostic;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import io.cgdev.core.testing.FaultyController;
import io.cgdev.core.testing.FaultyController.Fault;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The guard around plugin code: a controller that throws a raw exception fails only the operation at
 * hand, with EIO and a CGDEV-PLUGIN-FAULT diagnostic naming it, and leaves the hierarchy and the
 * healthy controller (demo) as they were.
 */
class PluginFaultTest {
  private static final String FILE = "/a/faulty.devices/d0/faulty.value";

  private static Cgroups boot(Fault fault) {
    Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController()).controller(new FaultyController(fault)).build();
    cg.register(Devices.spec("d0", "demo", "faulty"));
    cg.fs().write("/cgroup.subtree_control", "+demo +faulty");
    return cg;
  }

  private static void expectEio(ThrowingCallable op) {
    assertThatThrownBy(op).isInstanceOfSatisfying(CgroupException.class, e -> {
      assertThat(e.errno()).isEqualTo(Errno.EIO);
      assertThat(e.getMessage()).contains("controller faulty", FaultyController.class.getName(), "broken on purpose",
          "CGDEV-PLUGIN-FAULT");
    });
  }

  private static void reportedOnce(Cgroups cg, String operation) {
    List<Diagnostic> faults = cg.diagnostics().stream().filter(d -> d.code().equals("CGDEV-PLUGIN-FAULT")).toList();
    assertThat(faults).singleElement().satisfies(d -> assertThat(d.message())
        .contains("controller faulty (" + FaultyController.class.getName(), "module io.cgdev.core", operation,
            "ArithmeticException"));
  }

  /** The healthy controller's files still work in the cgroup (the part that must keep working). */
  private static void demoStillWorks(CgroupFs fs, String cgroup) {
    fs.write(cgroup + "/demo.devices/d0/demo.value", "42");
    assertThat(fs.read(cgroup + "/demo.devices/d0/demo.value")).isEqualTo("42\n");
  }

  @Test
  void aReaderThatThrowsFailsTheReadWithEioAndIsReportedOnce() {
    try (Cgroups cg = boot(Fault.READ)) {
      cg.fs().mkdir("/a");
      expectEio(() -> cg.fs().read(FILE));
      expectEio(() -> cg.fs().read(FILE));
      reportedOnce(cg, "read " + FILE);
      demoStillWorks(cg.fs(), "/a");
      assertThat(cg.snapshot().root().children().getFirst().files()).containsKey("faulty.devices/d0/faulty.value");
    }
  }

  @Test
  void aWriterThatThrowsFailsTheWriteWithEio() {
    try (Cgroups cg = boot(Fault.WRITE)) {
      cg.fs().mkdir("/a");
      expectEio(() -> cg.fs().write(FILE, "1"));
      reportedOnce(cg, "write " + FILE);
      demoStillWorks(cg.fs(), "/a");
    }
  }

  @Test
  void aCreateStateThatThrowsForChildrenFailsMkdirWithEioLeavingNothingBehind() {
    try (Cgroups cg = boot(Fault.CREATE_STATE_CHILD)) {
      expectEio(() -> cg.fs().mkdir("/a"));
      assertThat(cg.fs().list("/")).noneMatch(e -> e.name().equals("a"));
      assertThat(cg.fs().read("/cgroup.stat")).contains("nr_descendants 0", "nr_dying_descendants 0");
      expectEio(() -> cg.fs().mkdir("/a")); // again: the name is still free
      reportedOnce(cg, "createState of device d0");
    }
  }

  @Test
  void anOnlineThatThrowsFailsMkdirLikeCreateState() {
    try (Cgroups cg = boot(Fault.ONLINE_CHILD)) {
      expectEio(() -> cg.fs().mkdir("/a"));
      assertThat(cg.fs().read("/cgroup.stat")).contains("nr_descendants 0");
    }
  }

  @Test
  void aControllerThatFailsForABindingDeviceLosesThatBindingOnlyAndTheDeviceRegistersWithTheOthers() {
    for (Fault f : List.of(Fault.BIND, Fault.CREATE_STATE_ALWAYS, Fault.CREATE_STATE_CHILD)) {
      try (Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController())
          .controller(new FaultyController(f)).build()) {
        cg.fs().write("/cgroup.subtree_control", "+demo +faulty");
        cg.fs().mkdir("/a");
        DeviceRegistration r = cg.register(Devices.spec("d0", "demo", "faulty"));
        assertThat(r.controllers()).as(f.toString()).containsExactly("demo");
        assertThat(cg.devices()).containsExactly("d0");
        assertThat(cg.fs().list("/a/faulty.devices")).isEmpty();
        demoStillWorks(cg.fs(), "/a");
        assertThat(cg.diagnostics()).anySatisfy(d -> assertThat(d.code()).isEqualTo("CGDEV-PLUGIN-FAULT"));
        r.unregister();
        assertThat(cg.devices()).isEmpty();
      }
    }
  }

  @Test
  void aDeviceWhoseOnlyControllerFailsIsNotRegistered() {
    try (Cgroups cg = Cgroups.builder().discover(false).controller(new FaultyController(Fault.CREATE_STATE_ALWAYS)).build()) {
      assertThatThrownBy(() -> cg.register(Devices.spec("d0", "faulty")))
          .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EIO));
      assertThat(cg.devices()).isEmpty();
    }
  }

  @Test
  void aCanAttachThatThrowsRefusesTheMoveWithEioAndAnAttachThatThrowsIsIgnored() {
    try (Cgroups cg = boot(Fault.CAN_ATTACH)) {
      cg.fs().mkdir("/a");
      Task t = cg.tasks().spawn("t", CgroupPath.root());
      expectEio(() -> cg.tasks().move(t.pid(), CgroupPath.parse("/a")));
      assertThat(t.cgroup()).isEqualTo(CgroupPath.root());
    }
    try (Cgroups cg = boot(Fault.ATTACH)) {
      cg.fs().mkdir("/a");
      Task t = cg.tasks().spawn("t", CgroupPath.root());
      cg.tasks().move(t.pid(), CgroupPath.parse("/a"));
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/a"));
      reportedOnce(cg, "attach of pid");
    }
  }

  @Test
  void lifecycleHooksThatThrowAreReportedAndTheHierarchyGoesOn() {
    for (Fault f : List.of(Fault.OFFLINE, Fault.FREE, Fault.DRAINED, Fault.UNBIND)) {
      try (Cgroups cg = boot(f)) {
        cg.fs().mkdir("/a");
        cg.fs().rmdir("/a");
        assertThat(cg.fs().read("/cgroup.stat")).as(f.toString()).contains("nr_descendants 0", "nr_dying_descendants 0");
        cg.fs().mkdir("/a");
        demoStillWorks(cg.fs(), "/a");
        cg.fs().rmdir("/a");
        cg.context().root(); // still usable
        DeviceRegistration r = cg.register(Devices.spec("d1", "demo", "faulty"));
        r.unregister();
        assertThat(cg.devices()).as(f.toString()).containsExactly("d0");
        assertThat(cg.diagnostics()).as(f.toString()).anySatisfy(d -> assertThat(d.code()).isEqualTo("CGDEV-PLUGIN-FAULT"));
      }
    }
  }

  @Test
  void aCheckReleasedThatThrowsRefusesUnregisterWithEio() {
    try (Cgroups cg = Cgroups.builder().discover(false).controller(new FaultyController(Fault.CHECK_RELEASED)).build()) {
      DeviceRegistration r = cg.register(Devices.spec("d0", "faulty"));
      expectEio(r::unregister);
      assertThat(r.registered()).isTrue();
      assertThat(cg.devices()).containsExactly("d0");
    }
  }

  @Test
  void aCapabilityThatThrowsFailsTheLookupWithEio() {
    try (Cgroups cg = boot(Fault.CAPABILITY)) {
      DeviceRegistration r = cg.register(Devices.spec("d1", "faulty"));
      expectEio(() -> r.capability(Set.class));
    }
  }
}
