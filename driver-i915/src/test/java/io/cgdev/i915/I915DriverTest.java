package io.cgdev.i915;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DriverFeature;
import io.cgdev.drm.RegionStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class I915DriverTest {
  DriverContext ctx = mock(DriverContext.class);
  List<DeviceSpec> specs = new ArrayList<>();

  @BeforeEach
  void wire() {
    when(ctx.controllers()).thenReturn(Set.of("memory", "cpu", "cpuset"));
    when(ctx.option(any())).thenReturn(Optional.empty());
    when(ctx.register(any())).thenAnswer(inv -> {
      DeviceSpec s = inv.getArgument(0);
      specs.add(s);
      DeviceRegistration r = mock(DeviceRegistration.class);
      when(r.spec()).thenReturn(s);
      when(r.capability(any())).thenReturn(Optional.empty());
      return r;
    });
  }

  @Test
  void isFoundByServiceLoader() {
    I915DriverTest.class.getModule().addUses(DriverProvider.class);
    assertThat(ServiceLoader.load(DriverProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(I915Driver.class);
  }

  @Test
  void theDefaultDeviceHasOneTileOf4GiBAndTheI915Engines() {
    I915Driver driver = new I915Driver();
    driver.probe(ctx);
    assertThat(specs).hasSize(1);
    DeviceSpec s = specs.get(0);
    assertThat(s.name()).isEqualTo("i915.0");
    assertThat(s.driver()).isEqualTo("i915");
    assertThat(s.controllers()).containsExactlyInAnyOrder("memory", "cpu", "cpuset");
    // i915's own region names (intel_memory_region's uabi names): system memory is host memory
    assertThat(s.regions()).extracting(RegionSpec::name, RegionSpec::capacity, RegionSpec::host).containsExactly(
        org.assertj.core.groups.Tuple.tuple("system0", 16L << 30, true),
        org.assertj.core.groups.Tuple.tuple("local0", 4L << 30, false));
    assertThat(s.attributes()).containsEntry("dmem.region", "drm/0000:00:02.0/local0");
    assertThat(s.engines()).extracting(EngineSpec::name)
        .containsExactly("rcs0", "bcs0", "vcs0", "vcs1", "vecs0", "ccs0", "ccs1", "ccs2", "ccs3");
    assertThat(s.engines()).extracting(EngineSpec::engineClass).containsExactly(
        "render", "copy", "video", "video", "video-enhance", "compute", "compute", "compute", "compute");
    DrmDevice dev = driver.device("i915.0");
    assertThat(dev.engineClasses()).containsExactly("render", "copy", "video", "video-enhance", "compute");
    assertThat(dev.memoryStats()).extracting(RegionStats::name).containsExactly("system0", "local0");
    assertThat(driver.features()).contains(DriverFeature.DRIVER_CGROUPS, DriverFeature.DRIVER_GEM);
    assertThatThrownBy(() -> driver.device("i915.9")).extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENODEV);
  }

  @Test
  void aMultiTileDescriptorRegistersOneMemoryRegistrationPerFurtherTile(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("gpu.json");
    Files.writeString(json, """
        {"devices": [{"name": "i915.0", "pdev": "0000:4d:00.0", "smem": "8G", "lmem": ["2G", "1G"], "chunk": "4K",
                      "engines": ["rcs0", "ccs0", "ccs1"]}]}
        """);
    when(ctx.option("i915.descriptor")).thenReturn(Optional.of(json.toString()));
    I915Driver driver = new I915Driver();
    driver.probe(ctx);
    assertThat(specs).extracting(DeviceSpec::name).containsExactly("i915.0", "i915.0.tile1");
    assertThat(specs.get(0).regions()).extracting(RegionSpec::name).containsExactly("system0", "local0");
    assertThat(specs.get(0).attributes()).containsEntry("pdev", "0000:4d:00.0")
        .containsEntry("dmem.region", "drm/0000:4d:00.0/local0");
    assertThat(specs.get(1).regions()).extracting(RegionSpec::name).containsExactly("local1");
    assertThat(specs.get(1).attributes()).containsEntry("dmem.region", "drm/0000:4d:00.0/local1");
    assertThat(specs.get(1).controllers()).containsExactly("memory");
    assertThat(specs.get(1).engines()).isEmpty();
    assertThat(driver.device("i915.0").regions()).extracting(RegionSpec::name).containsExactly("system0", "local0", "local1");
    assertThat(driver.device("i915.0").config().cgroupDevices()).extracting(c -> c.name())
        .containsExactly("i915.0", "i915.0.tile1");
  }

  @Test
  void theCgroupsOptionOffClearsTheFeatureAndRegistersNothing() {
    when(ctx.option("i915.cgroups")).thenReturn(Optional.of("false"));
    I915Driver driver = new I915Driver();
    driver.probe(ctx);
    verify(ctx, never()).register(any());
    assertThat(driver.features()).doesNotContain(DriverFeature.DRIVER_CGROUPS);
    assertThat(driver.device("i915.0").registered()).isTrue();
  }

  @Test
  void badDescriptorsAreRejectedWithEinval() {
    for (String bad : List.of("{", "{\"devices\":[{\"lmem\":[\"-1\"]}]}", "{\"devices\":[{\"engines\":[\"xcs0\"]}]}",
        "{\"devices\":[{\"smem\":\"4Q\"}]}")) {
      assertThatThrownBy(() -> I915Descriptor.parse(bad)).as(bad)
          .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.EINVAL);
    }
    assertThat(I915Descriptor.parse("{}")).isEqualTo(I915Descriptor.defaults());
    assertThatThrownBy(() -> I915Descriptor.read(Path.of("/nonexistent/gpu.json")))
        .extracting(e -> ((CgroupException) e).errno()).isEqualTo(Errno.ENOENT);
  }
}
