package io.cgdev.cli.world;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.core.Cgroups;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller-layout view of a devices-layout hierarchy: which paths are rewritten, and that reads and writes reach the real files. */
class PerDeviceFsTest {
  private World world;
  private PerDeviceFs fs;

  @BeforeEach
  void boot() {
    world = World.boot(new World.Options(List.of(), Map.of(), Cgroups.Layout.PER_DEVICE));
    fs = (PerDeviceFs) world.scenarioFs();
  }

  @AfterEach
  void close() {
    world.close();
  }

  @Test
  void rewritesOnlyAControllersFileOfADevice() {
    assertThat(fs.translate("/a/cpu.devices/i915.0/cpu.stat")).isEqualTo("/a/devices/i915.0/cpu.stat");
    assertThat(fs.translate("/cpu.devices/i915.0/cpu.stat")).isEqualTo("/devices/i915.0/cpu.stat");
    assertThat(fs.translate("/a/b/memory.devices/i915.0/memory.max")).isEqualTo("/a/b/devices/i915.0/memory.max");
    assertThat(fs.translate("/a/cpu.devices")).as("the folder alone").isEqualTo("/a/cpu.devices");
    assertThat(fs.translate("/cpu.devices/x/cgroup.procs")).as("a cgroup named cpu.devices").isEqualTo("/cpu.devices/x/cgroup.procs");
    assertThat(fs.translate("/a/nosuch.devices/i915.0/nosuch.max")).as("no such controller").isEqualTo("/a/nosuch.devices/i915.0/nosuch.max");
    assertThat(fs.translate("/a/cgroup.procs")).isEqualTo("/a/cgroup.procs");
  }

  @Test
  void readsAndWritesReachTheRealFiles() {
    world.fs().write("/cgroup.subtree_control", "+cpu +memory");
    fs.mkdir("/a");
    fs.write("/a/cpu.devices/i915.0/cpu.weight", "300");
    assertThat(world.fs().read("/a/devices/i915.0/cpu.weight")).isEqualTo("300\n");
    assertThat(fs.read("/a/memory.devices/i915.0/memory.max")).isEqualTo(world.fs().read("/a/devices/i915.0/memory.max"));
    assertThat(world.fs().list("/a")).extracting(e -> e.name()).contains("devices").doesNotContain("cpu.devices");
  }
}
