package io.cgdev.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.core.Cgroups;
import io.cgdev.core.Diagnostic;
import io.cgdev.sample.gem.VgemDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Every broken plugin of src/faults, each a jar in a plugin folder of its own, booted through {@code
 * Cgroups.builder().pluginFolder} together with the good plugins on the class path (memory, cpu,
 * cpuset, i915, the samples). This JVM runs on the class path, so each folder is a class loader and
 * plugins are found by their services files. For each fault: the documented code names it, the
 * healthy controllers and devices work, and only its own operation fails, with an errno.
 */
class FaultsThroughTheBuilderTest {
  private static Cgroups boot(List<Path> folders) {
    Cgroups.Builder b = Cgroups.builder();
    folders.forEach(b::pluginFolder);
    return b.build();
  }

  private static void expectErrno(Errno errno, ThrowingCallable op, String... inMessage) {
    assertThatThrownBy(op).isInstanceOfSatisfying(CgroupException.class, e -> {
      assertThat(e.errno()).isEqualTo(errno);
      assertThat(e.getMessage()).contains(inMessage);
    });
  }

  private static Consumer<Diagnostic> code(String code, String... inMessage) {
    return d -> {
      assertThat(d.code()).isEqualTo(code);
      assertThat(d.message()).contains(inMessage);
    };
  }

  @Test
  void everyFaultIsContainedAndTheGoodPluginsWork() throws IOException {
    List<Path> folders = FaultJars.foldersExcept(FaultJars.FAULTS);
    try (Cgroups cg = boot(folders)) {
      CgroupFs fs = cg.fs();
      List<Diagnostic> d = cg.diagnostics();

      // boot: the good ones and the faults that only fail later are in; the broken ones are named and out
      assertThat(cg.controllers()).contains("cpu", "cpuset", "memory", "gem", "readerf", "writerf", "mkdirf", "bindf",
          "statef", "attachf", "lifef", "capf", "relf").doesNotContain("ctor", "Bad-Name", "dupfiles", "missingdep");
      assertThat(cg.drivers()).extracting(x -> x.name()).contains("i915", "vgem", "rdma", "mkdirdrv", "binddrv",
          "statedrv", "lifedrv", "removef", "nosim", "simf", "reldrv").doesNotContain("probef", "capdrv", "twin");
      String jar = "fault-plugins/plugins/";
      assertThat(d).anySatisfy(code("CGDEV-PLUGIN-BROKEN", "io.cgdev.fault.ctor.CtorController", jar + "ctor/ctor.jar",
          "ctor: broken on purpose"));
      assertThat(d).anySatisfy(code("CGDEV-BAD-CONTROLLER-NAME", "'Bad-Name'", "io.cgdev.fault.badname.BadNameController",
          jar + "badname/badname.jar"));
      assertThat(d).anySatisfy(code("CGDEV-BAD-CONTROLLER-FILES", "dupfiles", "twice", jar + "dupfiles/dupfiles.jar"));
      assertThat(d).anySatisfy(code("CGDEV-DUPLICATE-DRIVER", "io.cgdev.fault.twina.TwinA", jar + "twina/twina.jar",
          "io.cgdev.fault.twinb.TwinB", jar + "twinb/twinb.jar", "'twin'"));
      assertThat(d).anySatisfy(code("CGDEV-PLUGIN-BROKEN", "io.cgdev.fault.badservices.Nope"));
      assertThat(d).anySatisfy(code("CGDEV-PLUGIN-BROKEN", "io.cgdev.fault.missingdep.MissingDepController",
          "io.cgdev.fault.absent.Absent"));
      assertThat(d).anySatisfy(code("CGDEV-DRIVER-PROBE-FAILED", "driver probef", "io.cgdev.fault.probef.ProbeDriver",
          jar + "probef/probef.jar", "NullPointerException"));
      assertThat(d).anySatisfy(code("CGDEV-DRIVER-PROBE-FAILED", "driver capdrv", "EIO"));
      assertThat(d).anySatisfy(code("CGDEV-PLUGIN-FAULT", "controller capf", jar + "capf/capf.jar", "ClassCastException"));
      assertThat(d).anySatisfy(code("CGDEV-PLUGIN-FAULT", "controller bindf", "io.cgdev.fault.bindf.BindController",
          jar + "bindf/bindf.jar", "bind of device bd0"));
      assertThat(d).anySatisfy(code("CGDEV-PLUGIN-FAULT", "controller statef", "createState of device sd0"));
      assertThat(cg.devices()).contains("i915.0", "vgem0", "rdma0", "mk0", "bd0", "sd0", "lf0", "rf0", "ns0", "sf0", "rl0")
          .doesNotContain("pf0", "cp0");

      // a controller that failed for a binding device lost that binding only: the device has memory
      assertThat(fs.list("/memory.devices")).extracting(e -> e.name()).contains("bd0", "sd0");
      assertThat(fs.list("/bindf.devices")).isEmpty();
      assertThat(fs.list("/statef.devices")).isEmpty();

      fs.write("/cgroup.subtree_control", "+memory +cpu +gem +mkdirf +lifef +attachf");
      // the reader and the writer: only their own file fails
      expectErrno(Errno.EIO, () -> fs.read("/readerf.stat"), "controller readerf", "ArithmeticException", "reader/reader.jar");
      assertThat(fs.read("/readerf.ok")).isEqualTo("fine\n");
      expectErrno(Errno.EIO, () -> fs.write("/writerf.max", "5"), "controller writerf", "NullPointerException");
      assertThat(fs.read("/writerf.max")).isEqualTo("max\n");
      // createState for one cgroup: that mkdir fails and leaves nothing; others work
      expectErrno(Errno.EIO, () -> fs.mkdir("/mk-bad"), "controller mkdirf", "createState of device mk0 in /mk-bad");
      assertThat(fs.list("/")).noneMatch(e -> e.name().equals("mk-bad"));
      fs.mkdir("/ok");
      fs.write("/ok/memory.devices/i915.0/memory.max", "1M");
      assertThat(fs.read("/ok/memory.devices/i915.0/memory.max")).isEqualTo("1048576\n");
      // attach hooks: a canAttach that throws refuses that move only; an attach that throws is ignored
      fs.mkdir("/attach-bad");
      fs.mkdir("/attach-odd");
      Task t = cg.tasks().spawn("t", CgroupPath.parse("/ok"));
      expectErrno(Errno.EIO, () -> cg.tasks().move(t.pid(), CgroupPath.parse("/attach-bad")), "controller attachf");
      cg.tasks().move(t.pid(), CgroupPath.parse("/attach-odd"));
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/attach-odd"));
      // offline and free that throw: rmdir still works
      fs.mkdir("/life-x");
      fs.rmdir("/life-x");
      assertThat(fs.read("/cgroup.stat")).contains("nr_dying_descendants 0");
      // the good plugins work: a vgem object charged in /ok through the sample's DeviceWorkloads
      Task u = cg.tasks().spawn("u", CgroupPath.parse("/ok"));
      DeviceWorkloads vgem = cg.driver(VgemDriver.class).orElseThrow();
      try (DeviceWorkloads.Allocation a = vgem.allocate("vgem0", "vram", u, 4096)) {
        assertThat(fs.read("/ok/gem.devices/vgem0/gem.current")).isEqualTo("1\n");
        assertThat(fs.read("/ok/memory.devices/vgem0/memory.current")).isEqualTo("4096\n");
      }
      assertThat(d.size()).isLessThan(40);
      cg.tasks().exit(t.pid());
      cg.tasks().exit(u.pid());
      cg.close();
      assertThat(cg.diagnostics()).anySatisfy(code("CGDEV-DRIVER-REMOVE-FAILED", "driver removef", "removef/removef.jar"));
      assertThat(cg.diagnostics()).anySatisfy(code("CGDEV-DRIVER-REMOVE-FAILED", "driver reldrv", "EIO",
          "checkReleased of device rl0"));
      assertThat(cg.diagnostics()).anySatisfy(code("CGDEV-PLUGIN-FAULT", "io.cgdev.fault.lifef.LifeController", "lifef/lifef.jar", "offline of /life-x"));
      assertThat(cg.diagnostics()).anySatisfy(code("CGDEV-PLUGIN-FAULT", "controller attachf", "attach of pid"));
    }
    // the user's terminal (here: the log) shows codes and messages, never a stack trace
    Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
    String text = Files.readString(log);
    assertThat(text).contains("CGDEV-PLUGIN-FAULT").doesNotContain("\tat ").doesNotContain("Exception in thread");
  }

  /** The same folders in the opposite order give the same plugins and the same diagnostics. */
  @Test
  void theOutcomeDoesNotDependOnTheFolderOrder() {
    List<Path> forward = FaultJars.foldersExcept(FaultJars.FAULTS);
    List<Path> backward = new ArrayList<>(forward).reversed();
    try (Cgroups a = boot(forward); Cgroups b = boot(backward)) {
      assertThat(b.controllers()).isEqualTo(a.controllers());
      assertThat(b.drivers()).extracting(x -> x.name()).isEqualTo(a.drivers().stream().map(x -> x.name()).toList());
      assertThat(b.devices()).isEqualTo(a.devices());
      assertThat(b.diagnostics()).containsExactlyInAnyOrderElementsOf(a.diagnostics());
      assertThat(a.diagnostics()).anySatisfy(code("CGDEV-DUPLICATE-DRIVER", "TwinA", "TwinB"));
    }
  }
}
