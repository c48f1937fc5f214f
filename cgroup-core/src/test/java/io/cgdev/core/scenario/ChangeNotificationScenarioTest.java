package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Subscription;
import io.cgdev.api.Task;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Change notification through the file view, as kernfs notifies and polls: {@code cgroup.events}
 * when {@code populated} changes, a controller's file when its binding says so, a fresh handle that
 * reports a change until its first read, and the tree listener that the FUSE mount turns into inotify
 * events.
 */
class ChangeNotificationScenarioTest extends DemoHierarchy {
  private static final Duration LONG = Duration.ofSeconds(10);

  @Test
  void aFreshHandleReportsAChangeUntilItsFirstReadAsAKernelDescriptorDoes() {
    fs.mkdir("/a");
    try (OpenFile f = fs.open("/a/cgroup.events", OpenOptions.READ)) {
      assertThat(f.changed()).isTrue();
      assertThat(f.read()).isEqualTo("populated 0\nfrozen 0\n");
      assertThat(f.changed()).isFalse();
    }
  }

  @Test
  void populatedChangesNotifyCgroupEventsUpTheTreeAndNothingElse() throws Exception {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.mkdir("/c");
    try (OpenFile a = fs.open("/a/cgroup.events", OpenOptions.READ);
        OpenFile b = fs.open("/a/b/cgroup.events", OpenOptions.READ);
        OpenFile c = fs.open("/c/cgroup.events", OpenOptions.READ);
        OpenFile stat = fs.open("/a/cgroup.stat", OpenOptions.READ)) {
      for (OpenFile f : List.of(a, b, c, stat)) {
        f.read();
      }
      Task t = cg.tasks().spawn("w", CgroupPath.parse("/a/b"));
      assertThat(a.changed()).isTrue();
      assertThat(b.changed()).isTrue();
      assertThat(c.changed()).isFalse();
      assertThat(stat.changed()).isFalse();
      assertThat(b.read()).isEqualTo("populated 1\nfrozen 0\n");
      assertThat(b.changed()).isFalse();
      a.read();
      // a move within /a changes /a/b only; the second task keeps /a populated
      fs.mkdir("/a/d");
      cg.tasks().spawn("v", CgroupPath.parse("/a/d"));
      assertThat(a.changed()).isFalse();
      cg.tasks().exit(t.pid());
      assertThat(b.changed()).isTrue();
      assertThat(a.changed()).isFalse();
      assertThat(b.awaitChange(Duration.ZERO)).isTrue();
    }
  }

  @Test
  void aWaiterWakesWhenTheLastTaskLeavesAndNeverWithoutAChange() throws Exception {
    fs.mkdir("/job");
    Task t = cg.tasks().spawn("last", CgroupPath.parse("/job"));
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
      try (OpenFile f = fs.open("/job/cgroup.events", OpenOptions.READ)) {
        String now = f.read();
        // the poll loop of a cgroup client: wait for a change, read, until populated 0
        boolean spurious = false;
        waiting.countDown();
        while (now.contains("populated 1")) {
          boolean changed = f.awaitChange(LONG);
          String next = f.read();
          spurious |= changed && next.equals(now);
          now = next;
        }
        return spurious ? "woke without a change" : now;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
    cg.tasks().exit(t.pid());
    assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("populated 0\nfrozen 0\n");
  }

  @Test
  void awaitChangeTimesOutWithoutAChangeAndReturnsOnClose() throws Exception {
    fs.mkdir("/a");
    OpenFile f = fs.open("/a/cgroup.events", OpenOptions.READ);
    f.read();
    assertThat(f.awaitChange(Duration.ofMillis(20))).isFalse();
    CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
      try {
        return f.awaitChange(LONG);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(20);
    f.close();
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(f.changed()).isFalse();
    assertErrno(Errno.EBADF, () -> f.onChange(() -> {}));
  }

  @Test
  void listenersHearEveryNotificationUntilClosed() {
    fs.mkdir("/a");
    List<String> tree = new CopyOnWriteArrayList<>();
    AtomicInteger handle = new AtomicInteger();
    try (Subscription all = fs.onChange(tree::add); OpenFile f = fs.open("/a/cgroup.events", OpenOptions.READ)) {
      Subscription one = f.onChange(handle::incrementAndGet);
      Task t = cg.tasks().spawn("w", CgroupPath.parse("/a"));
      cg.tasks().exit(t.pid());
      one.close();
      cg.tasks().spawn("w", CgroupPath.parse("/a"));
      assertThat(handle.get()).isEqualTo(2);
      assertThat(tree).containsExactly("/a/cgroup.events", "/a/cgroup.events", "/a/cgroup.events");
      all.close();
      fs.mkdir("/b");
      cg.tasks().spawn("w", CgroupPath.parse("/b"));
      assertThat(tree).hasSize(3);
    }
  }

  @Test
  void aControllerNotifiesItsDeviceFilesThroughItsBindContext() throws Exception {
    BindContext<?>[] context = new BindContext<?>[1];
    DemoController capturing = new DemoController() {
      @Override
      public DeviceBinding<State> bind(BindContext<State> ctx) {
        context[0] = ctx;
        return super.bind(ctx);
      }
    };
    try (Cgroups g = Cgroups.builder().discover(false).controller(capturing).build()) {
      g.register(Devices.spec("dev0", "demo"));
      g.fs().write("/cgroup.subtree_control", "+demo");
      g.fs().mkdir("/a");
      CgroupHandle a = g.context().cgroup(CgroupPath.parse("/a"));
      List<String> tree = new CopyOnWriteArrayList<>();
      try (Subscription all = g.fs().onChange(tree::add);
          OpenFile f = g.fs().open("/a/demo.devices/dev0/demo.value", OpenOptions.READ)) {
        f.read();
        g.fs().write("/a/demo.devices/dev0/demo.value", "5"); // a write notifies nothing by itself
        assertThat(f.changed()).isFalse();
        context[0].notifyChange(a, "value");
        assertThat(f.changed()).isTrue();
        assertThat(tree).containsExactly("/a/demo.devices/dev0/demo.value");
        assertThatThrownBy(() -> context[0].notifyChange(a, "nope")).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void thePerDeviceLayoutNamesTheNotifiedFileByItsFolder() {
    BindContext<?>[] context = new BindContext<?>[1];
    DemoController capturing = new DemoController() {
      @Override
      public DeviceBinding<State> bind(BindContext<State> ctx) {
        context[0] = ctx;
        return super.bind(ctx);
      }
    };
    try (Cgroups g = Cgroups.builder().discover(false).controller(capturing).layout(Cgroups.Layout.PER_DEVICE).build()) {
      g.register(Devices.spec("dev0", "demo"));
      List<String> tree = new CopyOnWriteArrayList<>();
      try (Subscription all = g.fs().onChange(tree::add)) {
        context[0].notifyChange(g.context().root(), "value");
      }
      assertThat(tree).containsExactly("/devices/dev0/demo.value");
    }
  }
}
