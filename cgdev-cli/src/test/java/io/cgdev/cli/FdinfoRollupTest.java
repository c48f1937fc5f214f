package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.sim.ScenarioRunner.Client;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-cgroup roll-up of fdinfo: sums over each cgroup's subtree, per device, in the kernel's units. */
class FdinfoRollupTest {
  private static String fdinfo(int id, long engineNs, String local0, String system0) {
    return "drm-driver:\ti915\ndrm-client-id:\t" + id + "\ndrm-pdev:\t0000:00:02.0\ndrm-total-system0:\t" + system0
        + "\ndrm-shared-system0:\t0\ndrm-total-local0:\t" + local0 + "\ndrm-shared-local0:\t0\n"
        + "drm-engine-compute:\t" + engineNs + " ns\ndrm-engine-capacity-compute:\t4\n";
  }

  @Test
  void sumsEachSubtreePerDeviceAndKeepsTheDevicesCapacity() {
    String out = FdinfoRollup.of(List.of(
        new Client("w1 (pid 2)", "/a/x", fdinfo(1, 1000, "64 MiB", "0")),
        new Client("w2 (pid 3)", "/a/y", fdinfo(2, 500, "512 KiB", "4096")),
        new Client("w3 (pid 4)", "/b", fdinfo(3, 7, "1000", "0"))));
    assertThat(out).contains("# /a 0000:00:02.0\ndrm-driver:\ti915\ndrm-clients:\t2\ndrm-pdev:\t0000:00:02.0\n"
        + "drm-total-system0:\t4 KiB\ndrm-shared-system0:\t0\ndrm-total-local0:\t" + (65536 + 512) + " KiB\n"
        + "drm-shared-local0:\t0\ndrm-engine-compute:\t1500 ns\ndrm-engine-capacity-compute:\t4\n\n");
    assertThat(out).contains("# /a/x 0000:00:02.0\n", "# /a/y 0000:00:02.0\n", "# /b 0000:00:02.0\n");
    assertThat(out).contains("# / 0000:00:02.0\ndrm-driver:\ti915\ndrm-clients:\t3\n");
    assertThat(out).contains("drm-engine-compute:\t1507 ns\n");
    assertThat(out.indexOf("# / ")).as("sorted by cgroup").isLessThan(out.indexOf("# /a "));
  }

  @Test
  void sizesPrintAsTheKernelsDrmFdinfoPrintSize() {
    assertThat(FdinfoRollup.size(0)).isEqualTo("0");
    assertThat(FdinfoRollup.size(1000)).isEqualTo("1000");
    assertThat(FdinfoRollup.size(4096)).isEqualTo("4 KiB");
    assertThat(FdinfoRollup.size(3L << 30)).isEqualTo("3072 MiB");
  }

  @Test
  void ancestorsUpToTheRoot() {
    assertThat(FdinfoRollup.selfAndAncestors("/a/b/c")).containsExactly("/a/b/c", "/a/b", "/a", "/");
    assertThat(FdinfoRollup.selfAndAncestors("/")).containsExactly("/");
  }
}
