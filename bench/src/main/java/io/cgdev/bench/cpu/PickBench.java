package io.cgdev.bench.cpu;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceClock;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.TimeSharing;
import io.cgdev.api.spi.TimeSharing.Client;
import io.cgdev.core.Cgroups;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one scheduling decision of the cpu controller: {@code pickNext} plus {@code ran}, with
 * 10, 100 and 1000 runnable clients spread over a three-level tree (root, f groups, f groups each,
 * clients in the leaves; f = ceil(cbrt(clients))) with seeded random weights. Baseline in the same
 * run: a flat scheduler that picks the minimum virtual time by scanning every client.
 *
 * <p>The controller is found through the SPI ({@link ServiceLoader}) and driven only through {@link
 * TimeSharing}, as a driver would. Run: {@code java -jar bench/target/benchmarks.jar PickBench -f 1
 * -wi 2 -w 1s -i 3 -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PickBench {
  private static final long SLICE = 100_000;

  @Param({"10", "100", "1000"})
  public int clients;

  private Cgroups cgroups;
  private TimeSharing ts;
  private final List<Client> opened = new ArrayList<>();
  private long now;

  private long[] naiveVruntime;
  private long[] naiveLoad;

  @Setup(Level.Trial)
  public void setUp() {
    Controller<?> cpu = ServiceLoader.load(Controller.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(c -> c.name().equals("cpu"))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no cpu controller on the class path"));
    cgroups = Cgroups.builder().discover(false).controller(cpu).build();
    DeviceClock clock = () -> now;
    DeviceRegistration dev = cgroups.register(DeviceSpec.builder("bench0", "bench").controllers("cpu")
        .engine(new EngineSpec("rcs0", "render")).clock(clock).build());
    ts = dev.capability(TimeSharing.class).orElseThrow();

    CgroupFs fs = cgroups.fs();
    Random random = new Random(42);
    int fanout = (int) Math.ceil(Math.cbrt(clients));
    List<String> leaves = new ArrayList<>();
    fs.write("/cgroup.subtree_control", "+cpu");
    for (int i = 0; i < fanout; i++) {
      String l1 = "/g" + i;
      fs.mkdir(l1);
      fs.write(l1 + "/cpu.devices/bench0/cpu.weight", Integer.toString(1 + random.nextInt(1000)));
      fs.write(l1 + "/cgroup.subtree_control", "+cpu");
      for (int j = 0; j < fanout; j++) {
        String l2 = l1 + "/h" + j;
        fs.mkdir(l2);
        fs.write(l2 + "/cpu.devices/bench0/cpu.weight", Integer.toString(1 + random.nextInt(1000)));
        leaves.add(l2);
      }
    }
    naiveVruntime = new long[clients];
    naiveLoad = new long[clients];
    for (int k = 0; k < clients; k++) {
      String leaf = leaves.get(k % leaves.size());
      Client c = ts.open(cgroups.context().cgroup(CgroupPath.parse(leaf)), "c" + k);
      c.setRunnable(0, true);
      opened.add(c);
      naiveLoad[k] = 1024L * (1 + random.nextInt(1000));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    opened.forEach(Client::close);
    cgroups.close();
  }

  /** One decision of the controller: descend the tree, then account the slice up the tree. */
  @Benchmark
  public Client pickAndRan() {
    Client c = ts.pickNext(0);
    c.ran(0, SLICE);
    now += SLICE;
    return c;
  }

  /** The baseline: scan all clients for the smallest virtual time, advance it. */
  @Benchmark
  public int naiveScan() {
    long[] v = naiveVruntime;
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] < v[best]) {
        best = i;
      }
    }
    v[best] += SLICE * 102_400 / naiveLoad[best];
    now += SLICE;
    return best;
  }
}
