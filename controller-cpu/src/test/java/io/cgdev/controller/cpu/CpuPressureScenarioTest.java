package io.cgdev.controller.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.core.Cgroups;
import io.cgdev.testkit.FakeClock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code cpu.pressure} read through the file view while a driver schedules through TimeSharing: the
 * stall PSI reports matches the time a tenant's client waited for the engine, measured on its own
 * (its run time against the time it was runnable).
 */
class CpuPressureScenarioTest {
  private static final long MS = 1_000_000;
  private static final long S = 1_000 * MS;
  private static final String DEV = "/cpu.devices/gpu0/";
  private static final Pattern LINE = Pattern.compile(
      "(some|full) avg10=(\\d+\\.\\d\\d) avg60=(\\d+\\.\\d\\d) avg300=(\\d+\\.\\d\\d) total=(\\d+)");

  private final FakeClock clock = new FakeClock();
  private final Cgroups cgroups = Cgroups.builder().discover(false).controller(new CpuController()).build();
  private final CgroupFs fs = cgroups.fs();
  private final DeviceRegistration gpu = cgroups.register(DeviceSpec.builder("gpu0", "sim")
      .controllers("cpu").engine(new EngineSpec("rcs0", "render")).clock(clock).build());
  private final TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();

  @AfterEach
  void close() {
    cgroups.close();
  }

  private CgroupHandle cgroup(String path) {
    return cgroups.context().cgroup(CgroupPath.parse(path));
  }

  /** {avg10, avg60, avg300, total µs} of one line of a cgroup's cpu.pressure. */
  private double[] pressure(String cgroup, String kind) {
    Matcher m = LINE.matcher(fs.read(cgroup + DEV + "cpu.pressure"));
    while (m.find()) {
      if (m.group(1).equals(kind)) {
        return new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
            Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))};
      }
    }
    throw new AssertionError(kind);
  }

  @Test
  void aFreshCgroupReadsTheKernelsZeroPressure() {
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/a");
    assertThat(fs.read("/a" + DEV + "cpu.pressure"))
        .isEqualTo("some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
  }

  @Test
  void aTenantStarvedByAOneToNineWeightShowsTheFractionOfTimeItWaited() {
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/starved");
    fs.mkdir("/favoured");
    fs.write("/starved" + DEV + "cpu.weight", "10");
    fs.write("/favoured" + DEV + "cpu.weight", "90");
    Client a = ts.open(cgroup("/starved"), "a");
    Client b = ts.open(cgroup("/favoured"), "b");
    a.setRunnable(0, true);
    b.setRunnable(0, true);
    long run = 60 * S;
    new EngineSim(clock, ts, 1, 500_000, 2_000_000, 7).run(run);
    // measured on its own: the client was runnable all along, so it waited whenever it did not run
    double waited = 1.0 - (double) a.runtime(0) / run;
    assertThat(waited).isCloseTo(0.9, within(0.01));
    double[] some = pressure("/starved", "some");
    assertThat(some[3] * 1000 / run).isCloseTo(waited, within(0.02)); // total
    assertThat(some[0] / 100).isCloseTo(waited, within(0.02)); // avg10, six time constants in
    // avg60 has seen one time constant: 1 - 1/e of the way from 0
    assertThat(some[1] / 100).isCloseTo(waited * (1 - Math.exp(-1)), within(0.02));
    // one client: when it waits none of the cgroup's clients runs, so full is some
    assertThat(pressure("/starved", "full")[3]).isEqualTo(some[3]);
    double favouredWaited = 1.0 - (double) b.runtime(0) / run;
    assertThat(pressure("/favoured", "some")[3] * 1000 / run).isCloseTo(favouredWaited, within(0.02));
    // at the root a client always waits while the other runs: some all the time, full never (zeros, as
    // the kernel prints CPU full at the system level)
    assertThat(pressure("/", "some")[3] * 1000 / run).isCloseTo(1.0, within(0.001));
    assertThat(pressure("/", "full")).containsExactly(0, 0, 0, 0);
  }

  @Test
  void aThrottledTenantStallsFullyAndAnIdleOneNotAtAll() {
    fs.write("/cgroup.subtree_control", "+cpu");
    fs.mkdir("/capped");
    fs.mkdir("/idle");
    fs.write("/capped" + DEV + "cpu.max", "25000 100000"); // 25% of each period
    Client c = ts.open(cgroup("/capped"), "c");
    Client idle = ts.open(cgroup("/idle"), "idle");
    c.setRunnable(0, true);
    new EngineSim(clock, ts, 1, 1_000_000, 1_000_000, 1).run(20 * S);
    // throttled 75% of the time with the engine free: the kernel counts that as full stall too
    assertThat(pressure("/capped", "full")[3] * 1000 / (20 * S)).isCloseTo(0.75, within(0.01));
    // avg10 after two of its time constants: 1 - 1/e^2 of the way from 0 to 75%
    assertThat(pressure("/capped", "full")[0]).isCloseTo(75.0 * (1 - Math.exp(-2)), within(2.0));
    assertThat(pressure("/idle", "some")).containsExactly(0, 0, 0, 0);
    idle.close();
    c.close();
  }
}
