package io.cgdev.core.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.Cgroups;
import io.cgdev.core.Diagnostic;
import io.cgdev.core.testing.BrokenDriver;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.DemoDriver;
import io.cgdev.core.testing.DemoTwin;
import io.cgdev.core.testing.discovery.PluginLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin discovery and the boot diagnostics. */
class DiscoveryTest {
  @TempDir Path dir;

  private static final String PKG = "io.cgdev.core.testing.discovery.";

  @Test
  void findsProvidersThroughAClassLoaderAndSkipsBrokenOnes() {
    PluginLoader loader = PluginLoader.with(dir,
        Controller.class, PKG + "DiscoController\n" + PKG + "BrokenCtorController\n" + PKG + "NoSuchController\n"
            + PKG + "BadNameController\n",
        DriverProvider.class, PKG + "DiscoDriver\n");
    try (Cgroups cg = Cgroups.builder().discover(false).classLoader(loader).controller(new DemoController()).build()) {
      assertThat(cg.controllers()).containsExactly("demo", "disco");
      assertThat(cg.devices()).containsExactly("disco0");
      assertThat(cg.drivers()).extracting(DriverProvider::name).containsExactly("discodrv");
      assertThat(cg.fs().read("/disco.devices/disco0/disco.level")).isEqualTo("0\n");
      assertThat(cg.diagnostics()).extracting(Diagnostic::code)
          .containsExactlyInAnyOrder("CGDEV-PLUGIN-BROKEN", "CGDEV-PLUGIN-BROKEN", "CGDEV-BAD-CONTROLLER-NAME");
      assertThat(cg.diagnostics()).anySatisfy(d -> assertThat(d.message())
          .contains(PKG + "BrokenCtorController", "broken on purpose", dir.toString()));
      assertThat(cg.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains(PKG + "NoSuchController"));
      assertThat(cg.diagnostics()).anySatisfy(d -> assertThat(d.message()).contains(PKG + "BadNameController", "'cgroup'"));
    }
  }

  @Test
  void aClassGivenAndDiscoveredIsOneController() throws Exception {
    PluginLoader loader = PluginLoader.with(dir, Controller.class, PKG + "DiscoController\n");
    Controller<?> given = (Controller<?>) loader.loadClass(PKG + "DiscoController").getConstructor().newInstance();
    try (Cgroups cg = Cgroups.builder().discover(false).classLoader(loader).controller(given).build()) {
      assertThat(cg.controllers()).containsExactly("disco");
      assertThat(cg.diagnostics()).isEmpty();
    }
  }

  @Test
  void twoClassesWithOneNameAreAnError() {
    assertThatThrownBy(() -> Cgroups.builder().discover(false).controller(new DemoController()).controller(new DemoTwin()).build())
        .isInstanceOfSatisfying(CgroupException.class, e -> {
          assertThat(e.errno()).isEqualTo(Errno.EINVAL);
          assertThat(e.getMessage()).contains("CGDEV-DUPLICATE-CONTROLLER", DemoController.class.getName(), DemoTwin.class.getName());
        });
  }

  @Test
  void aGivenControllerWithABadNameIsAnError() {
    assertThatThrownBy(() -> Cgroups.builder().discover(false).controller(new DemoController() {
      @Override
      public String name() {
        return "Memory";
      }
    }).build()).isInstanceOfSatisfying(CgroupException.class,
        e -> assertThat(e.getMessage()).startsWith("CGDEV-BAD-CONTROLLER-NAME"));
  }

  @Test
  void noControllerStillBootsWithADiagnostic() {
    try (Cgroups cg = Cgroups.builder().build()) {
      assertThat(cg.controllers()).isEmpty();
      assertThat(cg.diagnostics()).extracting(Diagnostic::code).contains("CGDEV-NO-CONTROLLER");
      assertThat(cg.diagnostics().getFirst().message()).contains("module path");
      cg.fs().mkdir("/a");
      assertThat(cg.fs().read("/a/cgroup.controllers")).isEmpty();
    }
  }

  @Test
  void aFailingProbeIsReportedAndUndoneWhileOthersBoot() {
    DemoDriver good = new DemoDriver();
    try (Cgroups cg = Cgroups.builder().discover(false).controller(new DemoController())
        .driver(new BrokenDriver()).driver(good).option("demodrv.device", "dev7").build()) {
      assertThat(cg.devices()).containsExactly("dev7");
      assertThat(cg.drivers()).containsExactly(good);
      assertThat(cg.driver(DemoDriver.class)).containsSame(good);
      assertThat(cg.driver(BrokenDriver.class)).isEmpty();
      assertThat(cg.diagnostics()).singleElement().satisfies(d -> {
        assertThat(d.code()).isEqualTo("CGDEV-DRIVER-PROBE-FAILED");
        assertThat(d.message()).contains("broken", BrokenDriver.class.getName(), "firmware missing");
      });
      assertThat(good.context.option("nope")).isEmpty();
      cg.close();
      assertThat(good.removed).isTrue();
      assertThat(cg.devices()).isEmpty();
    }
  }

  @Test
  void twoDiscoveredDriversWithOneNameAreBothRefusedWhateverTheOrder() {
    for (String order : new String[] {PKG + "TwinDriverA\n" + PKG + "TwinDriverB\n", PKG + "TwinDriverB\n" + PKG + "TwinDriverA\n"}) {
      PluginLoader loader = PluginLoader.with(dir, Controller.class, PKG + "DiscoController\n",
          DriverProvider.class, order + PKG + "DiscoDriver\n");
      try (Cgroups cg = Cgroups.builder().discover(false).classLoader(loader).build()) {
        assertThat(cg.drivers()).extracting(DriverProvider::name).containsExactly("discodrv");
        assertThat(cg.diagnostics()).singleElement().satisfies(d -> {
          assertThat(d.code()).isEqualTo("CGDEV-DUPLICATE-DRIVER");
          assertThat(d.message()).contains(PKG + "TwinDriverA (class path at", PKG + "TwinDriverB (class path at", "'twin'")
              .matches(m -> m.indexOf("TwinDriverA") < m.indexOf("TwinDriverB"), "names them in a fixed order");
        });
      }
    }
  }

  @Test
  void aGivenDriverSharingItsNameWithADiscoveredOneIsAnError() throws Exception {
    PluginLoader loader = PluginLoader.with(dir, DriverProvider.class, PKG + "TwinDriverA\n");
    DriverProvider b = (DriverProvider) loader.loadClass(PKG + "TwinDriverB").getConstructor().newInstance();
    assertThatThrownBy(() -> Cgroups.builder().discover(false).classLoader(loader).driver(b).build())
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.getMessage())
            .startsWith("CGDEV-DUPLICATE-DRIVER").contains("TwinDriverA", "TwinDriverB"));
  }

  @Test
  void aMissingPluginFolderStopsTheBoot() {
    assertThatThrownBy(() -> Cgroups.builder().discover(false).pluginFolder(dir.resolve("nope")).build())
        .isInstanceOfSatisfying(CgroupException.class, e -> {
          assertThat(e.errno()).isEqualTo(Errno.ENOENT);
          assertThat(e.getMessage()).startsWith("CGDEV-PLUGIN-FOLDER").contains("nope");
        });
  }
}
