package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dmem client through the mount: exactly what systemd's {@code DeviceMemoryMin=}/{@code
 * DeviceMemoryLow=} implementation (systemd PR 37079) does for a unit with {@code DeviceMemoryMin=50%}
 * and {@code DeviceMemoryLow=75%}: read the root's {@code dmem.capacity}, take each region's
 * percentage of its capacity, write one {@code <region> <bytes>} line per region and write call to
 * the unit's {@code dmem.min} and {@code dmem.low} (and its slice's, as protection needs the
 * ancestors too), then read them back. The memcg view of the same counters shows the same limits.
 */
class DmemClientTest {
  private static final long M = 1L << 20;
  @TempDir Path temp;
  private Cgroups cgroups;
  private CgroupMount mount;
  private Path dir;

  @BeforeEach
  void mount() {
    FuseTesting.requireFuse();
    cgroups = Cgroups.builder().discover(true).build(); // memory and its dmem view, by ServiceLoader
    cgroups.register(DeviceSpec.builder("gpu0", "sim").controllers("memory").region(new RegionSpec("vram0", 256 * M))
        .attribute("dmem.region", "drm/0000:03:00.0/vram0").build());
    cgroups.register(DeviceSpec.builder("gpu0.tile1", "sim").controllers("memory").region(new RegionSpec("vram1", 128 * M))
        .attribute("dmem.region", "drm/0000:03:00.0/vram1").build());
    dir = FuseTesting.mountPoint(temp);
    mount = CgroupMount.mount(cgroups.fs(), dir, MountOptions.defaults());
  }

  @AfterEach
  void unmount() {
    if (mount != null) {
      mount.close();
    }
    if (cgroups != null) {
      cgroups.close();
    }
  }

  private Shell.Result sh(String script) {
    Shell.Result r = Shell.bash(dir, script);
    assertThat(r.exit()).as(script + ": " + r.err()).isZero();
    return r;
  }

  /** systemd's loop: one write per region line of dmem.capacity, percent of that region's capacity. */
  private static String protect(String file, int percent) {
    return "while read -r region capacity; do printf '%s %s\\n' \"$region\" $((capacity * " + percent + " / 100)) > " + file
        + " || exit 1; done < dmem.capacity";
  }

  @Test
  void deviceMemoryMinAndLowAsSystemdSetsThem() {
    sh("echo '+memory +dmem' > cgroup.subtree_control && mkdir app.slice && echo '+memory +dmem' > app.slice/cgroup.subtree_control"
        + " && mkdir app.slice/game.service");
    Map<String, Long> capacity = new LinkedHashMap<>();
    for (String line : sh("cat dmem.capacity").out().lines().toList()) {
      String[] f = line.split(" ");
      capacity.put(f[0], Long.parseLong(f[1]));
    }
    assertThat(capacity).containsExactly(Map.entry("drm/0000:03:00.0/vram0", 256 * M),
        Map.entry("drm/0000:03:00.0/vram1", 128 * M));

    for (String unit : new String[] {"app.slice", "app.slice/game.service"}) {
      sh(protect(unit + "/dmem.min", 50));
      sh(protect(unit + "/dmem.low", 75));
    }
    String game = "app.slice/game.service/";
    assertThat(sh("cat " + game + "dmem.min").out())
        .isEqualTo("drm/0000:03:00.0/vram0 134217728\ndrm/0000:03:00.0/vram1 67108864\n");
    assertThat(sh("cat " + game + "dmem.low").out())
        .isEqualTo("drm/0000:03:00.0/vram0 201326592\ndrm/0000:03:00.0/vram1 100663296\n");
    assertThat(sh("cat " + game + "dmem.max").out())
        .isEqualTo("drm/0000:03:00.0/vram0 max\ndrm/0000:03:00.0/vram1 max\n");
    // one resource, two views: the per-device memcg files show the same counters
    assertThat(sh("cat " + game + "memory.devices/gpu0/memory.min " + game + "memory.devices/gpu0.tile1/memory.low").out())
        .isEqualTo("134217728\n100663296\n");
  }

  @Test
  void badWritesFailAsTheKernelsDoAndChangeNothing() {
    sh("echo '+memory +dmem' > cgroup.subtree_control && mkdir a");
    // one write(2) of two lines (bash's printf would write each line on its own: two valid writes)
    Shell.Result twoLines = Shell.bash(dir, "printf 'drm/0000:03:00.0/vram0 1M\\ndrm/0000:03:00.0/vram1 1M\\n'"
        + " | dd of=a/dmem.min bs=4096 iflag=fullblock status=none");
    assertThat(twoLines.err()).contains("Invalid argument");
    assertThat(Shell.bash(dir, "echo 'vram0 1M' > a/dmem.min").err()).contains("Invalid argument");
    assertThat(Shell.bash(dir, "echo 1M > a/dmem.min").err()).contains("Invalid argument");
    assertThat(sh("cat a/dmem.min").out()).isEqualTo("drm/0000:03:00.0/vram0 0\ndrm/0000:03:00.0/vram1 0\n");
    assertThat(Shell.bash(dir, "cat a/dmem.capacity").err()).as("root only").contains("No such file");
  }
}
