package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.core.Cgroups;
import io.cgdev.fuse.CgroupMount;
import io.cgdev.fuse.MountOptions;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pressure trigger through the FUSE mount, with the calls a PSI monitor makes
 * (Documentation/accounting/psi.rst, "Userspace monitor usage example"): open {@code cpu.pressure}
 * read-write, write {@code some 150000 1000000}, {@code poll} for {@code POLLPRI}. The poller wakes
 * once a tenant starved by a 1:9 weight waited (the test drives the device's engine on a simulated
 * clock) and not while nothing stalls; a second write on the descriptor is {@code EBUSY}; a new
 * descriptor after the close takes a new trigger. Lives here rather than in cgroup-fuse because it
 * needs the cpu controller, which cgroup-fuse's tests do not load. Skipped with one line without
 * FUSE ({@link MountDaemon#requireFuse}).
 *
 * <p>Time budget: about 2 s (three 300 ms quiet polls, 4 s of simulated device time in well under a
 * second).
 */
class PressureTriggerMountTest {
  private static final long MS = 1_000_000;
  private static final long S = 1_000 * MS;
  private static final int QUIET_MILLIS = 300;
  private static final String TRIGGER = "some 150000 1000000";

  @TempDir Path temp;
  private final AtomicLong clock = new AtomicLong();
  private Cgroups cgroups;
  private CgroupMount mount;
  private TimeSharing ts;
  private Path dir;

  @BeforeEach
  void mount() throws Exception {
    MountDaemon.requireFuse();
    cgroups = Cgroups.builder().discover(true).build(); // the cpu controller, by ServiceLoader
    ts = cgroups.register(DeviceSpec.builder("gpu0", "sim").controllers("cpu")
        .engine(new EngineSpec("rcs0", "render")).clock(clock::get).build()).capability(TimeSharing.class).orElseThrow();
    CgroupFs fs = cgroups.fs();
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/starved");
    fs.mkdir("/favoured");
    fs.write("/starved/cpu.devices/gpu0/cpu.weight", "10");
    fs.write("/favoured/cpu.devices/gpu0/cpu.weight", "90");
    dir = Files.createDirectory(temp.resolve("cg")).toRealPath();
    mount = CgroupMount.mount(fs, dir, MountOptions.defaults());
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

  private CgroupHandle cgroup(String path) {
    return cgroups.context().cgroup(CgroupPath.parse(path));
  }

  /** Both tenants keep the one engine busy for {@code nanos} of device time; the starved one waits 90% of it. */
  private void contend(long nanos) {
    try (TimeSharing.Client a = ts.open(cgroup("/starved"), "a"); TimeSharing.Client b = ts.open(cgroup("/favoured"), "b")) {
      a.setRunnable(0, true);
      b.setRunnable(0, true);
      for (long end = clock.get() + nanos; clock.get() < end; ) {
        TimeSharing.Client c = ts.pickNext(0);
        if (c != null) {
          c.ran(0, MS);
        }
        clock.addAndGet(MS);
      }
    }
  }

  @Test
  void aPollerWakesAfterAStallNeverWithoutOneAndEachDescriptorHoldsOneTrigger() throws Throwable {
    String file = dir.resolve("starved/cpu.devices/gpu0/cpu.pressure").toString();
    int fd = Native.open(file);
    try {
      assertThat(Native.write(fd, TRIGGER)).isEqualTo(TRIGGER.length());
      assertThat(Native.write(fd, TRIGGER)).as("one trigger per descriptor").isEqualTo(-Native.EBUSY);
      assertThat(Native.pollPri(fd, QUIET_MILLIS)).as("nothing stalls, no wakeup").isZero();
      CompletableFuture<Integer> woke = CompletableFuture.supplyAsync(() -> Native.pollPri(fd, 10_000));
      Thread.sleep(50); // the poller is waiting
      contend(2 * S);
      assertThat(woke.get(15, TimeUnit.SECONDS) & Native.POLLPRI).as("woke on the trigger's event").isNotZero();
      // 2 s of stall in 1 s windows raise at most one more event; once taken, nothing stalls: no wakeup
      for (int i = 0; i < 3 && Native.pollPri(fd, 0) != 0; i++) {
        assertThat(i).as("events are raised at most once per window").isLessThan(2);
      }
      assertThat(Native.pollPri(fd, QUIET_MILLIS)).as("the stall ended, no wakeup").isZero();
    } finally {
      Native.close(fd);
    }
    int again = Native.open(file);
    try {
      assertThat(Native.write(again, TRIGGER)).as("a new descriptor takes a new trigger").isEqualTo(TRIGGER.length());
      assertThat(Native.pollPri(again, QUIET_MILLIS)).isZero();
      contend(2 * S);
      assertThat(Native.pollPri(again, 10_000) & Native.POLLPRI).isNotZero();
    } finally {
      Native.close(again);
    }
  }

  /** open, write, poll and close of libc, with errno. */
  private static final class Native {
    static final short POLLPRI = 0x002;
    static final int EBUSY = 16;
    private static final int O_RDWR = 2;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final MethodHandle OPEN = function("open", FunctionDescriptor.of(I, ValueLayout.ADDRESS, I), true);
    private static final MethodHandle WRITE = function("write", FunctionDescriptor.of(L, I, ValueLayout.ADDRESS, L), false);
    private static final MethodHandle POLL = function("poll", FunctionDescriptor.of(I, ValueLayout.ADDRESS, L, I), false);
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(I, I), false);

    // the test calls libc as a client of the mount would; restricted methods warn without native access
    @SuppressWarnings("restricted")
    private static MethodHandle function(String name, FunctionDescriptor descriptor, boolean variadicOpen) {
      MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
      return variadicOpen
          ? LINKER.downcallHandle(symbol, descriptor, Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"))
          : LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }

    static int open(String path) throws Throwable {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(CAPTURE);
        int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDWR);
        assertThat(fd).as("open %s: errno %d", path, (int) ERRNO.get(state, 0L)).isNotNegative();
        return fd;
      }
    }

    /** The bytes written, or {@code -errno}. */
    static long write(int fd, String text) throws Throwable {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(CAPTURE);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment buf = arena.allocate(bytes.length);
        buf.copyFrom(MemorySegment.ofArray(bytes));
        long n = (long) WRITE.invokeExact(state, fd, buf, (long) bytes.length);
        return n < 0 ? -(int) ERRNO.get(state, 0L) : n;
      }
    }

    /** {@code poll({fd, POLLPRI}, 1, timeoutMillis)}: the returned events, 0 on a timeout, or {@code -errno}. */
    static int pollPri(int fd, int timeoutMillis) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment state = arena.allocate(CAPTURE);
        MemorySegment pfd = arena.allocate(8, 4);
        pfd.set(I, 0, fd);
        pfd.set(ValueLayout.JAVA_SHORT, 4, POLLPRI);
        int r = (int) POLL.invokeExact(state, pfd, 1L, timeoutMillis);
        if (r < 0) {
          return -(int) ERRNO.get(state, 0L);
        }
        return r == 0 ? 0 : pfd.get(ValueLayout.JAVA_SHORT, 6) & 0xffff;
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }

    static void close(int fd) throws Throwable {
      try (Arena arena = Arena.ofConfined()) {
        int r = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
        assertThat(r).isZero();
      }
    }
  }
}
