package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.Devices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Files that poll and release (the kernel's {@code cftype->poll} and {@code ->release}, a pressure
 * file's trigger): the file view asks the poller instead of comparing notifications, a notification
 * makes waiters ask again, and each handle is released exactly once — at close, or when its file goes
 * away while it is open (cgroup removed, device unregistered, controller disabled), as kernfs drains
 * the open files of a removed node.
 */
class PollingFileScenarioTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  /** What a write to {@code demo.trigger} attaches to its handle. */
  static final class Token {
    final AtomicBoolean event = new AtomicBoolean();
  }

  /** The demo controller with a trigger-like file: a write sets a token, a poll takes its event. */
  static final class Triggering extends DemoController {
    final List<Token> tokens = new CopyOnWriteArrayList<>();
    final List<Token> released = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile BindContext<State> context;

    @Override
    public List<CgroupFile<State>> deviceFiles() {
      List<CgroupFile<State>> files = new ArrayList<>(super.deviceFiles());
      files.add(CgroupFile.<State>named("trigger")
          .reader((s, h) -> "armed " + (h.attachment() != null) + "\n")
          .writer((s, v, h) -> {
            Token t = new Token();
            tokens.add(t);
            h.attach(t);
          })
          .poller((s, h) -> poll(h))
          .releaser((s, h) -> {
            if (h.attachment() instanceof Token t) {
              released.add(t);
            }
          })
          .flag(FileFlag.PRESSURE)
          .build());
      return files;
    }

    private boolean poll(FileHandle h) {
      threads.add(Thread.currentThread().getName());
      return !(h.attachment() instanceof Token t) || t.event.compareAndSet(true, false);
    }

    @Override
    public DeviceBinding<State> bind(BindContext<State> ctx) {
      context = ctx;
      return super.bind(ctx);
    }

    /** Raises the event of the trigger set last and notifies the file, as a pressure trigger does. */
    void fire(String cgroup) {
      tokens.getLast().event.set(true);
      context.notifyChange(g.context().cgroup(CgroupPath.parse(cgroup)), "trigger");
    }

    Cgroups g;
  }

  private final Triggering demo = new Triggering();
  private final Cgroups g = Cgroups.builder().discover(false).controller(demo).build();
  private final DeviceRegistration dev0;

  PollingFileScenarioTest() {
    demo.g = g;
    dev0 = g.register(Devices.spec("dev0", "demo"));
    g.fs().write("/cgroup.subtree_control", "+demo");
    g.fs().mkdir("/a");
  }

  @AfterEach
  void close() {
    g.close();
  }

  private OpenFile openTrigger() {
    return g.fs().open("/a/demo.devices/dev0/demo.trigger", OpenOptions.READ_WRITE);
  }

  @Test
  void aPollAsksThePollerAndTakesItsEventOnce() {
    try (OpenFile f = openTrigger()) {
      assertThat(f.changed()).as("no trigger: always ready, as the kernel's POLLERR|POLLPRI").isTrue();
      f.read();
      assertThat(f.changed()).as("a read does not clear a poller's answer").isTrue();
      f.write("set");
      assertThat(f.changed()).isFalse();
      demo.fire("/a");
      assertThat(f.changed()).isTrue();
      assertThat(f.changed()).as("the event was taken by the first poll").isFalse();
    }
  }

  @Test
  void aWaiterWakesOnlyWhenTheNotifiedPollerSaysSo() throws Exception {
    try (OpenFile f = openTrigger()) {
      f.write("set");
      demo.context.notifyChange(g.context().cgroup(CgroupPath.parse("/a")), "trigger");
      assertThat(f.awaitChange(Duration.ofMillis(30))).as("a notification without an event").isFalse();
      CountDownLatch asked = new CountDownLatch(1);
      CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
        try {
          asked.countDown();
          return f.awaitChange(LONG);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
      demo.fire("/a");
      assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(f.changed()).as("the waiter took the event").isFalse();
    }
  }

  @Test
  void closingReleasesTheHandleExactlyOnce() {
    OpenFile f = openTrigger();
    f.write("set");
    f.close();
    f.close();
    assertThat(demo.released).containsExactlyElementsOf(demo.tokens);
    try (OpenFile other = openTrigger()) {
      other.write("set");
    }
    assertThat(demo.released).hasSize(2).containsExactlyElementsOf(demo.tokens);
  }

  @Test
  void removingTheCgroupReleasesAnOpenHandleOnceAndItsPollReportsTheLoss() {
    OpenFile f = openTrigger();
    f.write("set");
    g.fs().rmdir("/a");
    assertThat(demo.released).containsExactlyElementsOf(demo.tokens);
    assertThat(f.changed()).isTrue();
    assertErrno(Errno.ENODEV, () -> f.write("set"));
    f.close();
    assertThat(demo.released).hasSize(1);
  }

  @Test
  void unregisteringTheDeviceReleasesAnOpenHandleOnce() {
    try (OpenFile f = openTrigger()) {
      f.write("set");
      dev0.unregister();
      assertThat(demo.released).containsExactlyElementsOf(demo.tokens);
    }
    assertThat(demo.released).hasSize(1);
  }

  @Test
  void disablingTheControllerReleasesAnOpenHandleOnce() {
    try (OpenFile f = openTrigger()) {
      f.write("set");
      g.fs().write("/cgroup.subtree_control", "-demo");
      assertThat(demo.released).containsExactlyElementsOf(demo.tokens);
      g.fs().write("/cgroup.subtree_control", "+demo");
      assertThat(f.changed()).as("the handle stays gone").isTrue();
    }
    assertThat(demo.released).hasSize(1);
  }

  @Test
  void cgroupPressureZeroHidesPressureFilesReleasesTheirHandlesAndTellsTheStates() {
    OpenFile f = openTrigger();
    f.write("set");
    assertThat(g.fs().read("/a/cgroup.pressure")).isEqualTo("1\n");
    g.fs().write("/a/cgroup.pressure", "0");
    assertThat(g.fs().read("/a/cgroup.pressure")).isEqualTo("0\n");
    assertThat(demo.released).containsExactlyElementsOf(demo.tokens);
    assertThat(names("/a/demo.devices/dev0")).contains("demo.value").doesNotContain("demo.trigger");
    assertErrno(Errno.ENOENT, () -> g.fs().read("/a/demo.devices/dev0/demo.trigger"));
    assertErrno(Errno.ENODEV, () -> f.write("set"));
    assertThat(stateOf("/a").pressure).isFalse();
    assertThat(stateOf("/").pressure).as("only the written cgroup").isTrue();
    // a device registered while the cgroup's pressure is off starts without it
    g.register(Devices.spec("dev1", "demo"));
    assertThat(names("/a/demo.devices/dev1")).doesNotContain("demo.trigger");
    g.fs().write("/a/cgroup.pressure", "1");
    assertThat(stateOf("/a").pressure).isTrue();
    assertThat(names("/a/demo.devices/dev1")).contains("demo.trigger");
    assertThat(f.changed()).as("a drained handle stays gone when the file shows again").isTrue();
    assertErrno(Errno.ENODEV, () -> f.write("set"));
    try (OpenFile fresh = openTrigger()) {
      fresh.write("set");
    }
    assertThat(demo.released).hasSize(2);
    f.close();
    assertThat(demo.released).hasSize(2);
  }

  @Test
  void cgroupPressureTakesWhatTheKernelsTakes() {
    for (String ok : new String[] {"0", " 1 ", "0x0", "+1", "01"}) {
      g.fs().write("/a/cgroup.pressure", ok);
    }
    assertThat(g.fs().read("/a/cgroup.pressure")).isEqualTo("1\n");
    assertErrno(Errno.ERANGE, () -> g.fs().write("/a/cgroup.pressure", "2"));
    assertErrno(Errno.ERANGE, () -> g.fs().write("/a/cgroup.pressure", "-1"));
    assertErrno(Errno.EINVAL, () -> g.fs().write("/a/cgroup.pressure", "abc"));
    assertErrno(Errno.EINVAL, () -> g.fs().write("/a/cgroup.pressure", "1 0"));
    assertThat(g.fs().read("/a/cgroup.pressure")).isEqualTo("1\n");
    assertThat(g.fs().stat("/cgroup.pressure").mode()).as("on the root too, as the host's").isEqualTo(0644);
  }

  private java.util.List<String> names(String dir) {
    return g.fs().list(dir).stream().map(e -> e.name()).toList();
  }

  private DemoController.State stateOf(String cgroup) {
    return demo.states.stream().filter(s -> s.cgroup.path().toString().equals(cgroup) && s.freed == 0).findFirst()
        .orElseThrow();
  }

  /** Closes racing with the removal's drain: each handle is still released exactly once (200 rounds, well under a second). */
  @Test
  void closesRacingWithARemovalReleaseEachHandleExactlyOnce() throws Exception {
    int handles = 8;
    for (int round = 0; round < 200; round++) {
      String cg = "/r" + round;
      g.fs().mkdir(cg);
      List<OpenFile> open = new ArrayList<>();
      for (int i = 0; i < handles; i++) {
        OpenFile f = g.fs().open(cg + "/demo.devices/dev0/demo.trigger", OpenOptions.READ_WRITE);
        f.write("set");
        open.add(f);
      }
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> closers = new ArrayList<>();
      for (OpenFile f : open) {
        closers.add(CompletableFuture.runAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          f.close();
        }));
      }
      go.countDown();
      g.fs().rmdir(cg);
      CompletableFuture.allOf(closers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      assertThat(demo.released).as("round %d", round).hasSize((round + 1) * handles)
          .doesNotHaveDuplicates();
    }
  }

  @Test
  void aFileWithoutAPollerStillComparesNotifications() {
    try (OpenFile f = g.fs().open("/a/demo.devices/dev0/demo.value", OpenOptions.READ)) {
      f.read();
      assertThat(f.changed()).isFalse();
      demo.context.notifyChange(g.context().cgroup(CgroupPath.parse("/a")), "value");
      assertThat(f.changed()).isTrue();
      assertThat(demo.threads).isEmpty();
    }
  }
}
