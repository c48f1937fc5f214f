package io.cgdev.core.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.core.Cgroups;
import io.cgdev.core.Diagnostic;
import io.cgdev.core.testing.BrokenDriver;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.DemoDriver;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Drivers that arrive or leave after boot, as OSGi bundles do. */
class HotPlugTest {
  @Test
  void aDriverAddedAfterBootIsProbedAndRemovedLikeABootDriver() {
    DemoDriver late = new DemoDriver();
    try (Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController()).build()) {
      assertThat(cg.devices()).isEmpty();

      assertThat(cg.addDriver(late)).isTrue();
      assertThat(cg.drivers()).containsExactly(late);
      assertThat(cg.devices()).containsExactly("dev0");
      assertThat(cg.fs().read("/demo.devices/dev0/demo.value")).endsWith("\n");
      assertThat(cg.addDriver(late)).as("the same instance twice").isFalse();

      assertThat(cg.removeDriver(late)).isTrue();
      assertThat(late.removed).isTrue();
      assertThat(cg.drivers()).isEmpty();
      assertThat(cg.devices()).isEmpty();
      Assertions.assertThatThrownBy(() -> cg.fs().read("/demo.devices/dev0/demo.value"))
          .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
      assertThat(cg.removeDriver(late)).as("already gone").isFalse();

      DemoDriver again = new DemoDriver();
      assertThat(cg.addDriver(again)).as("a restarted bundle registers again").isTrue();
      assertThat(cg.devices()).containsExactly("dev0");
    }
  }

  @Test
  void aFailingLateProbeIsADiagnosticAndLeavesNothingBehind() {
    try (Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController()).build()) {
      assertThat(cg.addDriver(new BrokenDriver())).isFalse();
      assertThat(cg.drivers()).isEmpty();
      assertThat(cg.devices()).as("the half-probed device is unregistered").isEmpty();
      assertThat(cg.diagnostics()).extracting(Diagnostic::code).containsExactly("CGDEV-DRIVER-PROBE-FAILED");
    }
  }

  @Test
  void closeRemovesLateDriversAndRefusesNewOnes() {
    DemoDriver late = new DemoDriver();
    Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController()).build();
    cg.addDriver(late);
    cg.close();
    assertThat(late.removed).isTrue();
    assertThat(cg.addDriver(new DemoDriver())).isFalse();
  }
}
