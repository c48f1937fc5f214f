package io.cgdev.core.internal.hierarchy;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.BindContext;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import io.cgdev.core.testing.ZetaController;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The hierarchy without the file view. */
class HierarchyTest {
  private final DemoController demo = new DemoController();
  private final ZetaController zeta = new ZetaController();
  private final Hierarchy h = new Hierarchy(List.of(ControllerEntry.of(demo, 0), ControllerEntry.of(zeta, 1)), false);

  @Test
  void rootIsIdZeroAndIdsAreReusedAfterFree() {
    Cgroup root = h.root();
    assertThat(root.id()).isZero();
    assertThat(root.level()).isZero();
    assertThat(root.isRoot()).isTrue();
    Cgroup a = h.mkdir(root, "a");
    Cgroup b = h.mkdir(a, "b");
    assertThat(a.id()).isEqualTo(1);
    assertThat(b.id()).isEqualTo(2);
    assertThat(b.level()).isEqualTo(2);
    assertThat(b.isDescendantOf(root)).isTrue();
    assertThat(h.lookup(CgroupPath.parse("/a/b"))).isSameAs(b);
    h.rmdir(b);
    assertThat(h.lookup(CgroupPath.parse("/a/b"))).isNull();
    assertThat(b.path()).isEqualTo(CgroupPath.parse("/a/b"));
    Cgroup c = h.mkdir(a, "c");
    assertThat(c.id()).isEqualTo(2);
    assertThat(h.idsInUse()).isEqualTo(3);
    // the root shows every controller: its entries are there; a shows none, so the names are free
    assertErrno(Errno.EEXIST, () -> h.mkdir(root, "demo.info"));
    assertErrno(Errno.EEXIST, () -> h.mkdir(root, "demo.devices"));
    assertErrno(Errno.EEXIST, () -> h.mkdir(root, "cgroup.procs"));
    assertThat(h.mkdir(root, "cgroup.events").name()).isEqualTo("cgroup.events"); // not on the root, as in the kernel
    assertThat(h.mkdir(a, "demo.info").name()).isEqualTo("demo.info");
    assertErrno(Errno.ENOENT, () -> h.mkdir(b, "x"));
    assertErrno(Errno.ENOENT, () -> h.rmdir(b));
  }

  @Test
  void eventsAreDeliveredAfterTheLockIsReleased() {
    Cgroup a = h.mkdir(h.root(), "a");
    List<String> seen = new ArrayList<>();
    AtomicBoolean heldDuringCallback = new AtomicBoolean();
    h.onEvents(p -> {
      seen.add(p + "=" + h.lookup(p).populated());
      heldDuringCallback.set(heldDuringCallback.get() || h.heldByCurrentThread());
    });
    ModelTask t = h.spawn("t", a);
    assertThat(seen).containsExactly("/a=true", "/=true");
    h.exit(t.pid());
    assertThat(seen).containsExactly("/a=true", "/=true", "/a=false", "/=false");
    assertThat(heldDuringCallback).isFalse();
    assertThat(t.alive()).isFalse();
    assertErrno(Errno.ESRCH, () -> h.exit(t.pid()));
    assertErrno(Errno.ESRCH, () -> h.migrate(t.pid(), a));
    assertErrno(Errno.ESRCH, () -> h.cgroupOf(t));
  }

  @Test
  void stateLookupIsByKeyAndFailsWithEnodevAfterUnregister() {
    Cgroup a = h.mkdir(h.root(), "a");
    Registration r = h.register(Devices.spec("d0", "demo", "zeta"));
    assertThat(r.slots()).extracting(s -> s.controller().name()).containsExactly("demo", "zeta");
    StateSlot<?> b = r.slots().getFirst();
    assertThat(a.state(b)).isInstanceOf(DemoController.State.class);
    assertThat(((DemoController.State) a.state(b)).parent).isSameAs(h.root().state(b));
    assertThat(h.slotsInUse()).isEqualTo(2);
    r.unregister();
    assertThat(h.slotsInUse()).isZero();
    assertErrno(Errno.ENODEV, () -> a.state(b));
    // a new registration may reuse the slot's index; the old key still fails
    Registration r2 = h.register(Devices.spec("d1", "demo"));
    assertThat(r2.slots().getFirst().index()).isEqualTo(b.index());
    assertErrno(Errno.ENODEV, () -> a.state(b));
    assertThat(a.state(r2.slots().getFirst())).isNotNull();
  }

  @Test
  void aThrowingCreateStateRollsTheRegistrationBack() {
    h.mkdir(h.root(), "a");
    DemoController failing = new DemoController() {
      @Override
      public DeviceBinding<State> bind(BindContext<State> context) {
        DeviceBinding<State> inner = super.bind(context);
        return new DeviceBinding<>() {
          @Override
          public State createState(CgroupHandle cgroup, State parent) {
            if (!cgroup.isRoot()) {
              throw new IllegalStateException("boom");
            }
            return inner.createState(cgroup, parent);
          }
        };
      }
    };
    Hierarchy h2 = new Hierarchy(List.of(ControllerEntry.of(failing, 0)), false);
    h2.mkdir(h2.root(), "a");
    assertThatThrownBy(() -> h2.register(Devices.spec("d0", "demo"))).hasMessageContaining("boom");
    assertThat(h2.registrations()).isEmpty();
    assertThat(h2.slotsInUse()).isZero();
    assertThat(failing.states).singleElement().satisfies(s -> assertThat(s.freed).isEqualTo(1));
  }

  @Test
  void cgroupTaskListsStaySortedByPid() {
    Cgroup a = h.mkdir(h.root(), "a");
    List<ModelTask> ts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ts.add(h.spawn("t" + i, h.root()));
    }
    h.migrate(ts.get(3).pid(), a);
    h.migrate(ts.get(1).pid(), a);
    h.migrate(ts.get(4).pid(), a);
    assertThat(a.tasks()).extracting(ModelTask::pid).containsExactly(ts.get(1).pid(), ts.get(3).pid(), ts.get(4).pid());
    h.exit(ts.get(3).pid());
    assertThat(a.tasks()).extracting(ModelTask::pid).containsExactly(ts.get(1).pid(), ts.get(4).pid());
    assertThat(ts.get(1).cgroup()).isEqualTo(CgroupPath.parse("/a"));
    assertThat(h.cgroupOf(ts.get(1))).isSameAs(a);
  }

  /** Random mkdir/rmdir/spawn/exit against a model: counters and populated always agree with the tree. */
  @RepeatedTest(10)
  void countersMatchAModelUnderRandomOperations() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    List<Cgroup> live = new ArrayList<>(List.of(h.root()));
    Map<Integer, ModelTask> tasks = new HashMap<>();
    for (int step = 0; step < 500; step++) {
      Cgroup c = live.get(rnd.nextInt(live.size()));
      try {
        switch (rnd.nextInt(4)) {
          case 0 -> live.add(h.mkdir(c, "n" + rnd.nextInt(6)));
          case 1 -> {
            h.rmdir(c);
            live.remove(c);
          }
          case 2 -> {
            ModelTask t = h.spawn("t", c);
            tasks.put(t.pid(), t);
          }
          default -> {
            if (!tasks.isEmpty()) {
              int pid = new ArrayList<>(tasks.keySet()).get(rnd.nextInt(tasks.size()));
              h.exit(pid);
              tasks.remove(pid);
            }
          }
        }
      } catch (io.cgdev.api.CgroupException e) {
        assertThat(e.errno()).as("seed %d: %s", seed, e.getMessage()).isIn(Errno.EEXIST, Errno.EBUSY);
      }
      for (Cgroup x : live) {
        int descendants = 0;
        boolean populated = false;
        for (Cgroup y : live) {
          if (y != x && y.isDescendantOf(x)) {
            descendants++;
          }
          if (y.isDescendantOf(x) && y.tasks().length > 0) {
            populated = true;
          }
        }
        assertThat(x.nrDescendants()).as("seed %d, %s", seed, x).isEqualTo(descendants);
        assertThat(x.populated()).as("seed %d, %s", seed, x).isEqualTo(populated);
        assertThat(x.nrDyingDescendants()).isZero();
      }
    }
  }
}
