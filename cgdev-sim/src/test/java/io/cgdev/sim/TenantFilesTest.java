package io.cgdev.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.ByteSize;
import io.cgdev.controller.memory.MemoryController;
import io.cgdev.core.Cgroups;
import io.cgdev.i915.I915Driver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tenants' files as the sampling loop reads them: through handles kept open, the same values
 * as a fresh open; a handle whose file went away (its controller disabled) gives the default, and
 * the file is found again once it is back; after {@link TenantFiles#closeAll} every read opens afresh.
 * The same for {@link TenantFiles.Kept} files, which hold their handle themselves.
 */
class TenantFilesTest {
  private final Cgroups world = Cgroups.builder().discover(false).controller(new MemoryController())
      .driver(new I915Driver()).build();

  @AfterEach
  void close() {
    world.close();
  }

  /** Tenant {@code /a} with the memory controller and {@code memory.max} 64M, and files read for i915.0. */
  private TenantFiles tenantAWithMemoryMax64M() {
    var fs = world.fs();
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+memory");
    fs.write("/a/memory.devices/i915.0/memory.max", "64M");
    return new TenantFiles(fs, "i915.0");
  }

  @Test
  void keptOpenHandlesReadLikeFreshOpensAndFollowTheFileGoingAndComingBack() {
    var fs = world.fs();
    TenantFiles files = tenantAWithMemoryMax64M();
    files.keepOpen();
    assertThat(files.readLong("/a", "memory", "max", -1)).isEqualTo(64L << 20);
    fs.write("/a/memory.devices/i915.0/memory.max", "32M");
    assertThat(files.readLong("/a", "memory", "max", -1)).as("read again through the open handle").isEqualTo(32L << 20);
    fs.write("/cgroup.subtree_control", "-memory");
    assertThat(files.readLong("/a", "memory", "max", -1)).as("gone with its controller").isEqualTo(-1);
    fs.write("/cgroup.subtree_control", "+memory");
    long fresh = Long.parseLong(fs.read("/a/memory.devices/i915.0/memory.max").strip().replace("max", String.valueOf(ByteSize.MAX)));
    assertThat(files.readLong("/a", "memory", "max", -1)).as("back: as a fresh open reads it").isEqualTo(fresh);
    files.closeAll();
    fs.write("/a/memory.devices/i915.0/memory.max", "16M");
    assertThat(files.readLong("/a", "memory", "max", -1)).isEqualTo(16L << 20);
    assertThat(files.readLong("/nope", "memory", "max", -1)).isEqualTo(-1);
  }

  @Test
  void pressureTotalsAreTheSomeAndFullTotalsOfThePressureFileAndFalseWithoutOne() {
    var fs = world.fs();
    fs.mkdir("/a");
    fs.write("/cgroup.subtree_control", "+memory");
    TenantFiles files = new TenantFiles(fs, "i915.0");
    files.keepOpen();
    long[] totals = {-1, -1};
    assertThat(files.pressureTotals("/a", "memory", totals)).isTrue();
    assertThat(fs.read("/a/memory.devices/i915.0/memory.pressure")).contains("some ", " total=0\n", "full ");
    assertThat(totals).containsExactly(0, 0);
    long[] untouched = {7, 7};
    assertThat(files.pressureTotals("/a", "cpu", untouched)).as("no cpu controller").isFalse();
    assertThat(files.pressureTotals("/nope", "memory", untouched)).isFalse();
    assertThat(untouched).containsExactly(7, 7);
    files.closeAll();
  }

  @Test
  void keptFilesReadLikeFreshOpensAndFollowTheFileGoingAndComingBack() {
    var fs = world.fs();
    TenantFiles files = tenantAWithMemoryMax64M();
    TenantFiles.Kept max = files.kept(files.file("/a", "memory", "max"));
    TenantFiles.Kept pressure = files.kept(files.file("/a", "memory", "pressure"));
    TenantFiles.Kept none = files.kept(files.file("/a", "cpu", "stat"));
    assertThat(files.readLong(max, -1)).as("before keepOpen: a fresh open").isEqualTo(64L << 20);
    files.keepOpen();
    assertThat(files.readLong(max, -1)).isEqualTo(64L << 20);
    fs.write("/a/memory.devices/i915.0/memory.max", "32M");
    assertThat(files.readLong(max, -1)).as("read again through the kept handle").isEqualTo(32L << 20);
    assertThat(files.read(max)).isEqualTo(fs.read("/a/memory.devices/i915.0/memory.max"));
    long[] totals = {-1, -1};
    assertThat(files.pressureTotals(pressure, totals)).isTrue();
    assertThat(totals).containsExactly(0, 0);
    assertThat(files.usageUsec(none)).as("no cpu controller: 0").isZero();
    fs.write("/cgroup.subtree_control", "-memory");
    assertThat(files.readLong(max, -1)).as("gone with its controller").isEqualTo(-1);
    long[] untouched = {7, 7};
    assertThat(files.pressureTotals(pressure, untouched)).isFalse();
    assertThat(untouched).containsExactly(7, 7);
    fs.write("/cgroup.subtree_control", "+memory");
    long fresh = Long.parseLong(fs.read("/a/memory.devices/i915.0/memory.max").strip().replace("max", String.valueOf(ByteSize.MAX)));
    assertThat(files.readLong(max, -1)).as("back: as a fresh open reads it").isEqualTo(fresh);
    files.closeAll();
    fs.write("/a/memory.devices/i915.0/memory.max", "16M");
    assertThat(files.readLong(max, -1)).isEqualTo(16L << 20);
  }
}
