package io.cgdev.controller.memory;

import static io.cgdev.controller.memory.Fixture.M;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Protection scenarios ported from the kernel's selftests (tools/testing/selftests/cgroup/
 * test_memcontrol.c, test_memcg_min and test_memcg_low), with device memory and a fake driver's
 * eviction instead of page cache:
 *
 * <pre>
 *   A       memory.max = 200M
 *   A/B     memory.min (or low) = 50M
 *   A/B/C   75M, 50M in use
 *   A/B/D   25M, 50M in use
 *   A/B/E   0,   50M in use
 *   A/B/F   500M, nothing in use
 *   A/G     then allocates 148M
 * </pre>
 *
 * We check the result of the effective-protection formula at the first pass (SEMANTICS §4): C keeps
 * 33.3M, D 16.7M, E and F nothing (the kernel, reclaiming iteratively, settles near 29M/21M
 * instead). G's allocation is one 148M charge, so one reclaim pass decides, with protection as it
 * stands when the pass starts.
 */
class ProtectionTest {
  private final Fixture f = Fixture.oneRegion(1024 * M);

  private void tree(String setting) {
    for (String p : new String[] {"/A", "/A/B", "/A/B/C", "/A/B/D", "/A/B/E", "/A/B/F", "/A/G"}) {
      f.mkdir(p);
    }
    f.write("/A", "max", "200M");
    f.write("/A/B", setting, "50M");
    f.write("/A/B/C", setting, "75M");
    f.write("/A/B/D", setting, "25M");
    f.write("/A/B/E", setting, "0");
    f.write("/A/B/F", setting, "500M");
    f.alloc("/A/B/C", 0, 50 * M);
    f.alloc("/A/B/D", 0, 50 * M);
    f.alloc("/A/B/E", 0, 50 * M);
  }

  private long usage(String path) {
    return f.charging.usage(f.cg(path), 0);
  }

  @Test
  void formulaSplitsTheParentsProtectionInProportion() {
    tree("min");
    PageCounter a = f.state("/A").counter();
    assertThat(Protection.of(a, f.state("/A/B").counter(), false)).isEqualTo(50 * M);
    assertThat((double) Protection.of(a, f.state("/A/B/C").counter(), false)).isCloseTo(50.0 * M * 50 / 75, within(1.0));
    assertThat((double) Protection.of(a, f.state("/A/B/D").counter(), false)).isCloseTo(25.0 * M * 50 / 75, within(1.0));
    assertThat(Protection.of(a, f.state("/A/B/E").counter(), false)).isZero();
    assertThat(Protection.of(a, f.state("/A/B/F").counter(), false)).isZero();
    assertThat(Protection.of(a, a, false)).isZero();
    assertThat(Protection.of(f.state("/A/B").counter(), a, false)).isEqualTo(-1);
  }

  @Test
  void memoryMinHoldsUnderPressure() {
    tree("min");
    f.alloc("/A/G", 0, 148 * M);
    // evicted in 1M pieces until usage is at or below the effective min computed at the first pass
    assertThat(usage("/A/B/C")).isEqualTo(33 * M);
    assertThat(usage("/A/B/D")).isEqualTo(16 * M);
    // E has no protection; the driver evicts oldest first, so E gave what C and D could not:
    // 98M needed, 17M from C and 34M from D, 47M from E
    assertThat(usage("/A/B/E")).isEqualTo((50 - (98 - 17 - 34)) * M);
    assertThat(usage("/A/B/F")).isZero();
    assertThat(usage("/A")).isEqualTo(200 * M);
    assertThat(f.lru.requests()).hasSize(1);
    assertThat(f.read("/A", "events")).contains("max 1\n").contains("oom 0\n");
    // min is never breached, so no low event anywhere
    assertThat(f.read("/A", "events")).contains("low 0\n");
  }

  @Test
  void memoryMinStopsTheChargeWhenNothingElseCanGo() {
    tree("min");
    f.alloc("/A/G", 0, 148 * M);
    // with G protected, only E's last 3M may go
    f.write("/A/G", "min", "148M");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.alloc("/A/G", 0, 60 * M))
        .hasMessageContaining("memory.max of /A");
    assertThat(usage("/A/B/C")).isEqualTo(33 * M);
    assertThat(usage("/A/B/D")).isEqualTo(16 * M);
    assertThat(usage("/A/B/E")).isZero();
    assertThat(f.read("/A", "events")).contains("oom 1\n");
    assertThat(f.read("/A/G", "stat")).contains("failed_charges 1\n");
  }

  @Test
  void memoryLowHoldsUntilNothingUnprotectedIsLeftThenCountsTheLowEvent() {
    tree("low");
    f.alloc("/A/G", 0, 148 * M);
    assertThat(usage("/A/B/C")).isEqualTo(33 * M);
    assertThat(usage("/A/B/D")).isEqualTo(16 * M);
    assertThat(f.read("/A", "events")).contains("low 0\n");
    // protect G fully, then charge E: only memory below C's and D's effective low is left, so the
    // first pass frees nothing and the second pass takes it from C (oldest), counting low once
    f.write("/A/G", "min", "148M");
    f.alloc("/A/B/E", 0, 30 * M);
    assertThat(usage("/A/B/C")).isEqualTo(6 * M);
    assertThat(usage("/A/B/D")).isEqualTo(16 * M);
    assertThat(usage("/A/G")).isEqualTo(148 * M);
    assertThat(f.read("/A/B/C", "events.local")).contains("low 1\n");
    assertThat(f.read("/A/B/D", "events.local")).contains("low 0\n");
    assertThat(f.read("/A", "events")).contains("low 1\n").contains("max 2\n");
    assertThat(f.read("/A", "events.local")).contains("low 0\n");
  }
}
