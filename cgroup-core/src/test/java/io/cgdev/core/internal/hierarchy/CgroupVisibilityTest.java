package io.cgdev.core.internal.hierarchy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.ZetaController;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which controllers a cgroup shows, and the generation that makes old handles stale. */
class CgroupVisibilityTest {
  private final ControllerEntry<?> demo = ControllerEntry.of(new DemoController(), 0);
  private final ControllerEntry<?> zeta = ControllerEntry.of(new ZetaController(), 1);
  private final Hierarchy h = new Hierarchy(List.of(demo, zeta), false);

  @Test
  void onlyADisableChangesTheGenerationAndOnlyForThatController() {
    Cgroup a = h.mkdir(h.root(), "a");
    assertThat(h.root().visibleMask()).isEqualTo(0b11);
    assertThat(a.shows(demo)).isFalse();
    h.writeSubtreeControl(h.root(), "+demo +zeta");
    assertThat(a.shows(demo)).isTrue();
    assertThat(a.visibilityGeneration(demo)).isZero();
    h.writeSubtreeControl(h.root(), "-zeta");
    assertThat(a.visibilityGeneration(demo)).isZero();
    assertThat(a.visibilityGeneration(zeta)).isEqualTo(1);
    h.writeSubtreeControl(h.root(), "+zeta");
    h.writeSubtreeControl(h.root(), "-demo -zeta");
    assertThat(a.visibilityGeneration(demo)).isEqualTo(1);
    assertThat(a.visibilityGeneration(zeta)).isEqualTo(2);
    // a refused or empty write changes nothing
    h.writeSubtreeControl(h.root(), "-demo");
    assertThat(a.visibilityGeneration(demo)).isEqualTo(1);
  }

  @Test
  void theRootShowsEverythingForGood() {
    h.writeSubtreeControl(h.root(), "+demo");
    h.writeSubtreeControl(h.root(), "-demo");
    assertThat(h.root().shows(demo)).isTrue();
    assertThat(h.root().visibilityGeneration(demo)).isZero();
  }

  @Test
  void aGrandchildFollowsItsOwnParent() {
    Cgroup a = h.mkdir(h.root(), "a");
    Cgroup b = h.mkdir(a, "b");
    h.writeSubtreeControl(h.root(), "+demo");
    h.writeSubtreeControl(a, "+demo");
    h.writeSubtreeControl(a, "-demo");
    assertThat(b.visibilityGeneration(demo)).isEqualTo(1);
    assertThat(a.visibilityGeneration(demo)).isZero();
  }
}
