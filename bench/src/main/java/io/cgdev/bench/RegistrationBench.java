package io.cgdev.bench;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.core.Cgroups;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
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
 * Registering and unregistering one device across many cgroups (flat: all children of the root;
 * nested: a tree with ten children per cgroup), with a controller whose state is one shared empty
 * object, so only the core's bookkeeping is measured.
 *
 * <p>Time: {@code java -jar bench/target/benchmarks.jar RegistrationBench -f 1 -wi 2 -i 3}. Heap per
 * state: {@code java -cp bench/target/benchmarks.jar io.cgdev.bench.RegistrationBench [cgroups]}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RegistrationBench {
  @Param({"1000", "10000", "100000"})
  public int cgroups;

  @Param({"flat", "nested"})
  public String shape;

  private Cgroups cg;
  private DeviceSpec spec;

  /** A controller whose every state is the same empty object: it stores nothing per cgroup. */
  public static final class EmptyController implements Controller<EmptyController.Empty> {
    static final Empty EMPTY = new Empty();

    /** The state. */
    public static final class Empty implements DeviceState {}

    @Override
    public String name() {
      return "empty";
    }

    @Override
    public List<CgroupFile<Empty>> deviceFiles() {
      return List.of(CgroupFile.readOnly("zero", (s, h) -> "0\n"));
    }

    @Override
    public DeviceBinding<Empty> bind(BindContext<Empty> context) {
      return (cgroup, parent) -> EMPTY;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    cg = boot();
    populate(cg.fs(), cgroups, shape.equals("nested"));
    spec = spec("bench0");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    cg.close();
  }

  @Benchmark
  public boolean registerAndUnregister() {
    DeviceRegistration r = cg.register(spec);
    r.unregister();
    return r.registered();
  }

  static Cgroups boot() {
    return Cgroups.builder().discover(false).controller(new EmptyController()).build();
  }

  static DeviceSpec spec(String name) {
    return DeviceSpec.builder(name, "bench").controllers("empty").build();
  }

  /** Makes {@code n} cgroups: all below the root, or breadth-first with ten children per cgroup. */
  static void populate(CgroupFs fs, int n, boolean nested) {
    if (!nested) {
      for (int i = 0; i < n; i++) {
        fs.mkdir("/c" + i);
      }
      return;
    }
    List<String> level = List.of("");
    int made = 0;
    while (made < n) {
      List<String> next = new ArrayList<>();
      for (String parent : level) {
        for (int i = 0; i < 10 && made < n; i++, made++) {
          String p = parent + "/c" + i;
          fs.mkdir(p);
          next.add(p);
        }
      }
      level = next;
    }
  }

  /** Prints the heap the core's bookkeeping takes per device state. */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    try (Cgroups cg = boot()) {
      populate(cg.fs(), n, false);
      for (int devices : new int[] {1, 8, 32}) {
        long before = used(mem);
        List<DeviceRegistration> regs = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
          regs.add(cg.register(spec("dev" + d)));
        }
        long after = used(mem);
        for (DeviceRegistration r : regs) {
          r.unregister();
        }
        long released = used(mem);
        System.out.printf("%d cgroups, %d device(s): %.1f bytes of core bookkeeping per state (heap +%d bytes; %d bytes left after unregister)%n",
            n + 1, devices, (after - before) / (double) ((n + 1L) * devices), after - before, released - before);
      }
    }
  }

  private static long used(MemoryMXBean mem) {
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
