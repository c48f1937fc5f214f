package io.cgdev.controller.cpuset;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.testkit.TestBinding;
import io.cgdev.testkit.TestCgroups;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The partition state-transition cases of the kernel's test_cpuset_prs.sh that make sense for
 * engines (no CPU hotplug, no tasks inside parents, no remote partitions), in its notation.
 *
 * <p>Hierarchy: {@code /test} is a partition root holding engines 0-6 of an 8-engine device;
 * {@code A1 = /test/A1}, {@code A2 = A1/A2}, {@code A3 = A2/A3}, {@code B1 = /test/B1}. Columns:
 * old-A1 old-A2 old-A3 old-B1 new-A1 new-A2 new-A3 new-B1, then how many writes of the "new" columns
 * fail, the expected {@code cpuset.cpus.effective} ({@code A1:0-1}) and exclusive effective ({@code
 * XA1:2-3}) lists, the expected partition states ({@code P0} member, {@code P1} root, {@code P2}
 * isolated, negative = invalid), and optionally the root's {@code cpuset.cpus.isolated}. Commands
 * within a column are separated by {@code :}: {@code C<list>} writes cpuset.cpus, {@code X<list>}
 * cpuset.cpus.exclusive, {@code P<n>} cpuset.cpus.partition; {@code S+} (enable the controller for
 * children) is implied in cgdev and ignored.
 */
class PartitionMatrixTest {
  private static final String SETUP_A123 = "C1-3:P1:S+ C2-3:P1:S+ C3:P1";

  static List<String> matrix() {
    return List.of(
        // basic transitions
        "C0-1 . . C2-3 S+ C4-5 . . 0 A2:0-1",
        "C0-1 . . C2-3 P1 . . . 0 A1:0-1,B1:2-3 A1:P1",
        "C0-1 . . C2-3 P1:S+ C0-1:P1 . . 0 A1:,A2:0-1 A1:P1,A2:P1",
        "C0-1 . . C2-3 P1:S+ C1:P1 . . 0 A1:0,A2:1 A1:P1,A2:P1",
        "C0-1:S+ . . C2-3 . . . P1 0 B1:2-3 B1:P1",
        "C0-1:P1 . . C2-3 S+ C1 . . 0 A1:0-1,A2:1",
        "C0-1:P1 . . C2-3 S+ C1:P1 . . 0 A1:0,A2:1 A1:P1,A2:P1",
        "C0-1:P1 . . C2-3 S+ C1:P1 . P1 0 A1:0,A2:1,B1:2-3 A1:P1,A2:P1,B1:P1",
        "C0-1:P1 . . C2-3 C4-5 . . . 0 A1:4-5",
        "C0-1:P1 . . C2-3 S+:C4-5 . . . 0 A1:4-5",
        "C0-1 . . C2-3:P1 . . . C2 0 B1:2",
        "C0-1 . . C2-3:P1 . . . C4-5 0 B1:4-5",
        "C0-3:P1:S+ C2-3:P1 . . . . . . 0 A1:0-1,A2:2-3",
        "C0-3:P1:S+ C2-3:P1 . . C1-3 . . . 0 A1:1,A2:2-3",
        "C2-3:P1:S+ C3:P1 . . C3 . . . 0 A1:,A2:3 A1:P1,A2:P1",
        "C2-3:P1:S+ C3:P1 . . C3 P0 . . 0 A1:3,A2:3 A1:P1,A2:P0",
        "C2-3:P1:S+ C2:P1 . . C2-4 . . . 0 A1:3-4,A2:2",
        "C2-3:P1:S+ C3:P1 . . C3 . . C0-2 0 A1:,B1:0-2 A1:P1,A2:P1",
        SETUP_A123 + " . C2-3 . . . 0 A1:,A2:2,A3:3 A1:P1,A2:P1,A3:P1",
        // adding engines the parent does not have is allowed; they are ignored
        "C2-3:P1:S+ C3:P1 . . . C2-4 . . 0 A1:,A2:2-3 A1:P1,A2:P1",
        // changing a partition root to member makes child partitions invalid
        "C2-3:P1:S+ C3:P1 . . P0 . . . 0 A1:2-3,A2:3 A1:P0,A2:P-1",
        SETUP_A123 + " . C2-3 P0 . . 0 A1:2-3,A2:2-3,A3:3 A1:P1,A2:P0,A3:P-1",
        // cpuset.cpus may name engines the parent lacks as long as they overlap
        "C2-3:P1:S+ . . . . C3-4:P1 . . 0 A1:2,A2:3 A1:P1,A2:P1",
        // engines handed to a child may be deleted from the parent
        "C0-1:P1:S+ C1 . C2-3 C4-5 . . . 0 A1:4-5,A2:4-5",
        // a partition root must overlap its parent
        "C0-1:P1 . . C2-3 S+ C4-5:P1 . . 0 A1:0-1,A2:0-1 A1:P1,A2:P-1",
        // enabling a partition above child cpusets is allowed
        "C0-1:S+ C1 . C2-3 P1 . . . 0 A1:0-1,A2:1 A1:P1",
        // a partition under a member is invalid until the parent becomes a partition root
        "C0-1:S+ C1 . C2-3 . P2 . . 0 A1:0-1,A2:1 A1:P0,A2:P-2",
        "C0-1:S+ C1:P2 . C2-3 P1 . . . 0 A1:0,A2:1 A1:P1,A2:P2 1",
        // a non-exclusive cpuset.cpus change invalidates the partition and its siblings
        "C0-1:P1 . . C2-3 C0-2 . . . 0 A1:0-2,B1:2-3 A1:P-1,B1:P0",
        "C0-1:P1 . . P1:C2-3 C0-2 . . . 0 A1:0-2,B1:2-3 A1:P-1,B1:P-1",
        "C0-1 . . P1:C2-3 C0-2 . . . 0 A1:0-2,B1:2-3 A1:P0,B1:P-1",
        // cpuset.cpus may overlap a sibling's exclusive set, but not lie inside it
        "C0-3 . . C4-5 X5 . . . 0 A1:0-3,B1:4-5",
        // a child partition may take all engines of a parent partition (no tasks in parents here)
        "C1-4:P1:S+ P1 . . . . . . 0 A1:1-4,A2:1-4 A1:P1,A2:P-1",
        "C1-4:P1:S+ P1 . . . C1-4 . . 0 A1:,A2:1-4 A1:P1,A2:P1",
        // clearing cpuset.cpus keeps the exclusive effective set
        "C1-4:X3:S+ C1:X3 . . . C . . 0 A2:1-4,XA2:3",
        // exclusive sets
        "C0-3:S+ C1-3:S+ C2-3 . X2-3 . . . 0 A1:0-3,A2:1-3,A3:2-3,XA1:2-3",
        "C0-3:X1-3:S+:P2 C1-3:X2-3:S+:P2 C2-3:X3:P2 . . . . . 0 A1:1,A2:2,A3:3 A1:P2,A2:P2,A3:P2 1-3",
        "C0-3:X1-3:S+:P2 C1-3:X2-3:S+:P2 C2-3:X3:P2 . . X4 . . 0 A1:1-3,A2:1-3,A3:2-3,XA2:,XA3: A1:P2,A2:P-2,A3:P-2 1-3",
        "C0-3:X1-3:S+:P2 C1-3:X2-3:S+:P2 C2-3:X3:P2 . . C4:X . . 0 A1:1-3,A2:1-3,A3:2-3,XA2:,XA3: A1:P2,A2:P-2,A3:P-2 1-3",
        "C0-5:S+:P2 C4-5:S+:P1 . . . C3-5 . . 0 A1:0-2,A2:3-5 A1:P2,A2:P1 0-2",
        "C0-5:S+:P2 C4-5:S+:P1 . . C1-5 . . . 0 A1:1-3,A2:4-5 A1:P2,A2:P1 1-3",
        "C0-3:X2-3:S+ C1-3:X2-3:S+ C2-3:X2-3 . X:C4 . P2 . 0 A1:4,A2:4,XA2:,XA3:,A3:4 A1:P0,A3:P-2",
        // invalid to valid directly
        "C1-3:S+:P2 X4:P2 . . . . . . 0 A1:1-3,XA1:1-3,A2:1-3,XA2: A1:P2,A2:P-2 1-3",
        "C1-3:S+:P2 X4:P2 . . . X3:P2 . . 0 A1:1-2,XA1:1-3,A2:3,XA2:3 A1:P2,A2:P2 1-3",
        "C0-3:P2 . . C4-6 C0-4 . . . 0 A1:0-4,B1:4-6 A1:P-2,B1:P0",
        "C0-3:P2 . . C4-6 C0-4:C0-3 . . . 0 A1:0-3,B1:4-6 A1:P2,B1:P0 0-3",
        "C0-3:P2 . . C3-5:C4-5 . . . . 0 A1:0-3,B1:4-5 A1:P2,B1:P0 0-3",
        // cgdev has no remote partitions: a partition under a member stays invalid
        "C0-3:S+ C1-3:S+ C2-3 . X2-3 X2-3:P2 . . 0 A1:0-3,A2:1-3,A3:2-3 A1:P0,A2:P-2",
        // failures: cpuset.cpus.exclusive writes that break the exclusivity rule are refused
        "C0-3 . . C4-5 X0-3 . . X3-5 1 A1:0-3,B1:4-5,XA1:0-3,XB1:",
        "C0-3 . . C4-5 X3-5 . . . 1 A1:0-3,B1:4-5,XA1:",
        "C0-1:P1 . . C2-3 . . . X1-2 1 A1:0-1,B1:2-3 A1:P1");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("matrix")
  void transition(String row) {
    String[] col = row.trim().split("\\s+");
    List<String> cols = new ArrayList<>(List.of(col));
    TestCgroups cgroups = new TestCgroups();
    TestBinding<CpusetState> gpu = cgroups.bind(new CpusetController(), TestDevices.gpu0(8, 1));
    cgroups.mkdir("/test");
    gpu.write("/test", "cpus", "0-6");
    gpu.write("/test", "cpus.partition", "root");
    String[] dirs = {"/test/A1", "/test/A1/A2", "/test/A1/A2/A3", "/test/B1"};
    for (int i = 0; i < 4; i++) {
      if (i < 3 || !cols.get(i).equals(".")) {
        cgroups.mkdirs(dirs[i]);
      }
      apply(gpu, dirs[i], cols.get(i), true);
    }
    int failures = 0;
    for (int i = 0; i < 4; i++) {
      if (!cols.get(4 + i).equals(".")) {
        cgroups.mkdirs(dirs[i]);
      }
      failures += apply(gpu, dirs[i], cols.get(4 + i), false);
    }
    assertThat(failures).as("failed writes").isEqualTo(Integer.parseInt(cols.get(8)));
    if (cols.size() > 9) {
      for (String check : cols.get(9).split(",")) {
        String[] kv = check.split(":", -1);
        boolean exclusive = kv[0].startsWith("X");
        String dir = path(exclusive ? kv[0].substring(1) : kv[0]);
        String file = exclusive ? "cpus.exclusive.effective" : "cpus.effective";
        assertThat(gpu.read(dir, file)).as(check).isEqualTo(kv[1] + "\n");
      }
    }
    if (cols.size() > 10) {
      for (String check : cols.get(10).split(",")) {
        String[] kv = check.split(":");
        assertThat(partitionCode(gpu.read(path(kv[0]), "cpus.partition")))
            .as(check + " (read " + gpu.read(path(kv[0]), "cpus.partition").strip() + ")")
            .isEqualTo(kv[1]);
      }
    }
    if (cols.size() > 11) {
      // /test is a partition root too, so the root's isolated list covers its isolated children
      assertThat(gpu.read("/", "cpus.isolated")).isEqualTo(cols.get(11) + "\n");
    }
  }

  private static String path(String name) {
    return switch (name) {
      case "A1" -> "/test/A1";
      case "A2" -> "/test/A1/A2";
      case "A3" -> "/test/A1/A2/A3";
      case "B1" -> "/test/B1";
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static String partitionCode(String text) {
    String t = text.strip();
    if (t.equals("member")) {
      return "P0";
    }
    if (t.equals("root")) {
      return "P1";
    }
    if (t.equals("isolated")) {
      return "P2";
    }
    if (t.startsWith("root invalid (")) {
      return "P-1";
    }
    if (t.startsWith("isolated invalid (")) {
      return "P-2";
    }
    throw new AssertionError("unexpected partition text " + t);
  }

  /** Applies one column's commands; returns how many failed (setup columns must not fail). */
  private static int apply(TestBinding<CpusetState> gpu, String dir, String column, boolean setup) {
    if (column.equals(".")) {
      return 0;
    }
    int failed = 0;
    for (String cmd : column.split(":")) {
      try {
        switch (cmd.charAt(0)) {
          case 'S' -> {}
          case 'C' -> gpu.write(dir, "cpus", cmd.substring(1));
          case 'X' -> gpu.write(dir, "cpus.exclusive", cmd.substring(1));
          case 'P' -> gpu.write(dir, "cpus.partition", switch (cmd.substring(1)) {
                case "0" -> "member";
                case "1" -> "root";
                case "2" -> "isolated";
                default -> throw new IllegalArgumentException(cmd);
              });
          default -> throw new IllegalArgumentException("unknown command " + cmd);
        }
      } catch (CgroupException e) {
        if (setup) {
          throw new AssertionError("setup write " + cmd + " to " + dir + " failed", e);
        }
        failed++;
      }
    }
    return failed;
  }
}
