package io.cgdev.cli;

import io.cgdev.drm.DrmDevice;
import io.cgdev.fuse.CgroupMount;
import io.cgdev.fuse.MountException;
import io.cgdev.fuse.MountOptions;
import io.cgdev.fuse.OwnershipJournal;
import io.cgdev.state.StateFile;
import io.cgdev.metrics.MetricsServer;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.LiveWorkloads;
import io.cgdev.sim.PluginDevices;
import io.cgdev.sim.Workloads;
import io.cgdev.cli.world.World;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code cgdev mount DIR}: boots the world of {@code cgdev shell} (with {@code --scenario}, also
 * that scenario's tree and tasks), optionally runs the scenario's workloads in real time, and
 * serves the live tree at {@code DIR} with FUSE until Ctrl-C or SIGTERM.
 *
 * <p>Shutdown order: live mode stops, the mount goes, the workloads let go of their buffers and
 * clients, the world closes. On a signal, {@link CgroupMount}'s shutdown hook unmounts while this
 * command's own hook stops live mode and then holds the JVM until the serving thread has closed the
 * world (at most 15 s); both hooks start at once (the JDK gives hooks no order), so on a signal the
 * unmount and the end of live mode race — harmless, the live threads never touch the mount.
 */
@Command(
    name = "mount",
    header = "Mount the live cgroup tree on a folder with FUSE.",
    description = {
      "Serves the live cgroup tree at DIR (an empty folder) with FUSE, so that bash, coreutils and cgroup tools "
          + "use it as they would /sys/fs/cgroup, until Ctrl-C or SIGTERM unmounts it.",
      "It boots the world of 'cgdev shell' (the i915 model registered); --scenario FILE also builds that "
          + "scenario's tree and spawns its tasks, and in live mode (the default with a scenario) runs its "
          + "workloads in real time, so counters move while you watch. --state FILE keeps the tree's "
          + "configuration in a state file, so that a later mount with the same file starts from it (docs/STATE.md). "
          + "--metrics ADDR:PORT also serves the tree's Prometheus metrics (docs/METRICS.md).",
      "It needs /dev/fuse (root, or access to it), libfuse3 and fusermount3 (apt-get install fuse3). Exit codes: "
          + "5 cannot mount, 6 stale mount at DIR (clear it with fusermount3 -u DIR), 7 unusable --state file; "
          + "after Ctrl-C 130, after SIGTERM 143."
    },
    footer = {
      "  mkdir -p /tmp/cg",
      "  cgdev mount /tmp/cg --scenario samples/scenarios/demo.yaml &",
      "  watch cat /tmp/cg/training/cpu.devices/i915.0/cpu.stat",
      "  (with --layout devices: /tmp/cg/training/devices/i915.0/cpu.stat)"
    })
final class MountCommand extends CgdevCommand {
  private static final String NOT_CONNECTED = "Transport endpoint is not connected";
  /** How long a signal's shutdown waits for the serving thread to close the world. */
  private static final long SHUTDOWN_WAIT_SECONDS = 15;

  @Mixin WorldOptions world;
  @Mixin MetricsOption metrics;

  @Parameters(paramLabel = "DIR", description = "the mount point: an empty folder")
  Path dir;

  @Option(names = "--scenario", paramLabel = "FILE",
      description = "build this scenario's cgroup tree and spawn its tasks first")
  Path scenarioFile;

  @Option(names = "--live", description = "run the scenario's workloads in real time (default with --scenario)")
  boolean live;

  @Option(names = "--no-live", description = "build the scenario's tree and tasks, but run nothing")
  boolean noLive;

  @Option(names = "--allow-other",
      description = "let other users in (-o allow_other; needed for delegation; a non-root mounter needs"
          + " user_allow_other in /etc/fuse.conf)")
  boolean allowOther;

  @Option(names = "--state", paramLabel = "FILE",
      description = "keep the tree's configuration in FILE (cgroups, settings, task moves, owners and modes), on disk"
          + " before each change is acknowledged, and start from it (made if missing); see docs/STATE.md")
  Path stateFile;

  @Option(names = {"-s", "--single-threaded"}, description = "serve requests on one thread (libfuse -s)")
  boolean singleThreaded;

  @Option(names = "--fuse-debug", description = "libfuse's request trace on stderr (libfuse -d)")
  boolean fuseDebug;


  /** The mount point is a stale FUSE mount of a daemon that died; {@code cgdev} exits with {@link ExitCodes#STALE_MOUNT}. */
  static final class StaleMountException extends MountException {
    private static final long serialVersionUID = 1L;

    StaleMountException(Path dir, Throwable cause) {
      super("stale FUSE mount at " + dir + " (" + NOT_CONNECTED + ": the daemon that served it died); clear it with: "
          + "fusermount3 -u " + dir, cause);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    if (live && noLive) {
      throw new ParameterException(spec.commandLine(), "--live and --no-live exclude each other");
    }
    Path target = dir.toAbsolutePath().normalize();
    checkNotStale(target);
    Scenario scenario = scenarioFile == null ? null : WorldOptions.scenario(scenarioFile);
    boolean liveMode = live || (scenario != null && !noLive);
    MountOptions options = MountOptions.defaults().withAllowOther(allowOther).withSingleThreaded(singleThreaded)
        .withDebug(fuseDebug);
    PrintWriter err = err();
    CountDownLatch closedWorld = new CountDownLatch(1);
    Thread hook = null;
    try (World w = world.boot()) {
      Workloads workloads = null;
      List<DrmDevice> devices = new ArrayList<>(Runs.drmDevices(w).values());
      if (scenario != null) {
        Worlds.buildTree(w, scenario);
        PluginDevices.Found plugins = w.pluginDevices();
        plugins.notes().forEach(n -> err.println("cgdev mount: " + n));
        workloads = Worlds.startWorkloads(w, scenario, plugins.devices());
        devices = workloads.devices();
      }
      StateFile state = openState(w, workloads, err);
      LiveWorkloads liveRun = liveMode ? LiveWorkloads.start(devices, workloads) : null;
      MetricsServer metricsServer = null;
      try {
        // before the mount, so that an address in use fails the command before anything is mounted
        metricsServer = metrics.serve(w.fs(), "cgdev mount", err);
        // on Ctrl-C/SIGTERM the mount stops the live work before it unmounts (beforeUnmount below);
        // this hook keeps the JVM up until the world below is closed
        hook = new Thread(() -> awaitQuietly(closedWorld), "cgdev-mount-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (scenario != null || liveMode) {
          err.println("cgdev mount: " + describe(scenario, workloads, liveMode, devices));
          err.flush();
        }
        PrintWriter out = out();
        CgroupMount.Ending ending = CgroupMount.serve(state == null ? w.fs() : state.fs(), target, options,
            state == null ? OwnershipJournal.NONE : StateFiles.ownership(state), line -> {
          out.println(line);
          out.flush();
        }, liveRun == null ? () -> {} : liveRun::close);
        // the one line of the way out (on a signal, this command's hook holds the JVM until it is out)
        err.println(ending == CgroupMount.Ending.UNMOUNTED_FROM_OUTSIDE
            ? "cgdev mount: " + target + " was unmounted from outside; stopped"
            : "cgdev mount: unmounted " + target);
        err.flush();
      } finally {
        if (metricsServer != null) {
          metricsServer.close();
        }
        if (state != null) {
          state.close();
        }
        if (liveRun != null) {
          liveRun.close();
        }
        if (workloads != null) {
          workloads.release();
        }
      }
    } finally {
      closedWorld.countDown();
      removeQuietly(hook);
    }
    return ExitCodes.OK;
  }

  /**
   * Opens {@code --state} on the world as booted (with the scenario's tree and tasks: the base its
   * records apply to) and says what it found; releases the workloads if it cannot be used.
   */
  private StateFile openState(World w, Workloads workloads, PrintWriter err) {
    if (stateFile == null) {
      return null;
    }
    try {
      StateFile state = StateFile.open(stateFile, StateFiles.base(w, scenarioFile), w.fs(), w.tasks());
      err.println("cgdev mount: state " + stateFile + ": " + state.replay().summary());
      state.replay().notes().forEach(n -> err.println("cgdev mount: " + n));
      err.flush();
      return state;
    } catch (RuntimeException e) {
      if (workloads != null) {
        workloads.release();
      }
      throw e;
    }
  }

  private static String describe(Scenario scenario, Workloads workloads, boolean liveMode, List<DrmDevice> devices) {
    String names = String.join(", ", devices.stream().map(DrmDevice::name).toList());
    if (scenario == null) {
      return "no scenario; " + names + " in live mode (nothing submits work)";
    }
    String what = "scenario " + scenario.name() + ": " + scenario.allTenants().size() + " tenants, "
        + workloads.taskCount() + " tasks; ";
    return what + (liveMode ? "live: the workloads run in real time on " + names : "not live: nothing runs");
  }

  /**
   * A stale mount fails {@code stat} with {@code ENOTCONN}; it is told apart here (before booting)
   * so that it gets an exit code of its own. Every other problem is {@link CgroupMount}'s to report.
   */
  static void checkNotStale(Path dir) {
    try {
      Files.readAttributes(dir, BasicFileAttributes.class);
    } catch (FileSystemException e) {
      if (String.valueOf(e.getReason()).contains(NOT_CONNECTED) || String.valueOf(e.getMessage()).contains(NOT_CONNECTED)) {
        throw new StaleMountException(dir, e);
      }
    } catch (IOException e) {
      // not ours to report: the mount check names it
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeQuietly(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs now and finishes once closedWorld is counted down
    }
  }
}
