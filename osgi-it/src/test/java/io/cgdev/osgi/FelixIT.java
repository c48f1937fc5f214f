package io.cgdev.osgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * cgdev in Apache Felix with Aries SPI Fly: the api, core, controller, DRM and i915 bundles plus
 * their runtime (ASM, SLF4J with slf4j-simple, Jackson 3) and the host bundle. Checks that the
 * plugins are found through the unchanged ServiceLoader discovery, that limits hold on GEM
 * allocations, and that the i915 bundle's stop and start unregister and register its device.
 *
 * <p>One framework for the class; the tests run in order and build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FelixIT {
  private static final long KIB = 1024;

  private OsgiRuntime osgi;
  private List<Bundle> bundles;

  @BeforeAll
  void start() throws Exception {
    Path folder = Path.of(System.getProperty("cgdev.bundles"));
    List<Path> jars = new ArrayList<>(OsgiRuntime.jarsIn(folder));
    jars.add(Path.of(System.getProperty("cgdev.host")));
    osgi = OsgiRuntime.start(Path.of(System.getProperty("cgdev.storage")), Map.of());
    bundles = osgi.installAndStart(jars);
  }

  @AfterAll
  void stop() throws Exception {
    if (osgi != null) {
      osgi.close();
    }
  }

  private Mirror cgroups() {
    ServiceReference<?> ref = osgi.context().getServiceReference("io.cgdev.core.Cgroups");
    assertThat(ref).as("the host bundle registers the Cgroups service").isNotNull();
    return Mirror.of(osgi.context().getService(ref));
  }

  private String read(String path) {
    return cgroups().call("fs").call("read", path).string();
  }

  private void write(String path, String value) {
    cgroups().call("fs").call("write", path, value);
  }

  @SuppressWarnings("unchecked")
  private List<String> devices() {
    return (List<String>) cgroups().call("devices").target;
  }

  @Test
  @Order(1)
  void everyBundleIsActive() {
    assertThat(bundles).extracting(Bundle::getSymbolicName).contains(
        "io.cgdev.api", "io.cgdev.core", "io.cgdev.controller.memory", "io.cgdev.controller.cpu",
        "io.cgdev.controller.cpuset", "io.cgdev.drm", "io.cgdev.i915", OsgiRuntime.SPIFLY, OsgiRuntime.HOST);
    for (Bundle b : bundles) {
      assertThat(b.getState()).as(b.getSymbolicName()).isEqualTo(Bundle.ACTIVE);
    }
  }

  @Test
  @Order(2)
  void controllersAndTheI915DeviceAreFoundThroughServiceLoader() {
    assertThat((Iterable<?>) cgroups().call("controllers").target).map(String::valueOf)
        .containsExactly("cpu", "cpuset", "dmem", "memory");
    assertThat(devices()).containsExactly("i915.0");
    assertThat((Iterable<?>) cgroups().call("diagnostics").target).as("no broken plugin, no failed probe").isEmpty();
    assertThat(read("/memory.devices/i915.0/memory.capacity")).matches("[1-9][0-9]*\n");
  }

  @Test
  @Order(3)
  void memoryMaxIsEnforcedOnGemAllocations() {
    Mirror cg = cgroups();
    write("/cgroup.subtree_control", "+memory");
    cg.call("fs").call("mkdir", "/job");
    String dir = "/job/memory.devices/i915.0/";
    write(dir + "memory.max", "1M");
    write(dir + "memory.swap.max", "512K");
    Object path = Mirror.of(osgi.bundle("io.cgdev.api")).call("loadClass", "io.cgdev.api.CgroupPath")
        .call("getMethod", "parse", new Class<?>[] {String.class}).call("invoke", null, new Object[] {"/job"}).target;
    Mirror task = cg.call("tasks").call("spawn", "trainer", path);
    Mirror i915 = Mirror.of(cg.call("drivers").as(List.class).getFirst());
    Mirror file = i915.call("device", "i915.0").call("open", task.target);

    int allocated = 0;
    Mirror.Failure refused = null;
    for (int i = 0; i < 16 && refused == null; i++) {
      try {
        file.call("createGem", 256 * KIB, new String[] {"local0"});
        allocated++;
      } catch (Mirror.Failure f) {
        refused = f;
      }
      assertThat(Long.parseLong(read(dir + "memory.current").strip())).isLessThanOrEqualTo(1024 * KIB);
      assertThat(Long.parseLong(read(dir + "memory.swap.current").strip())).isLessThanOrEqualTo(512 * KIB);
    }
    assertThat(refused).as("an allocation past memory.max 1M + memory.swap.max 512K (after eviction) is refused").isNotNull();
    assertThat(refused.errno).isEqualTo("ENOSPC");
    assertThat(allocated).as("1M in local0 plus what eviction moved to swap").isEqualTo(6);
    assertThat(read(dir + "memory.events")).containsPattern("(?m)^max [1-9]");
    assertThat(read(dir + "memory.swap.events")).containsPattern("(?m)^max [1-9]");

    file.call("close");
    assertThat(read(dir + "memory.current")).isEqualTo("0\n");
    assertThat(read(dir + "memory.swap.current")).isEqualTo("0\n");
  }

  @Test
  @Order(4)
  void stoppingTheI915BundleUnregistersItsDeviceAndStartingRegistersItAgain() throws Exception {
    Bundle i915 = osgi.bundle("io.cgdev.i915");
    i915.stop();
    assertThat(devices()).isEmpty();
    assertThat((List<?>) cgroups().call("fs").call("list", "/job/memory.devices").target).as("no device folder left").isEmpty();
    assertThatThrownBy(() -> read("/job/memory.devices/i915.0/memory.max"))
        .isInstanceOfSatisfying(Mirror.Failure.class, f -> assertThat(f.errno).isEqualTo("ENOENT"));

    i915.start();
    assertThat(devices()).containsExactly("i915.0");
    assertThat(read("/job/memory.devices/i915.0/memory.max")).as("a fresh registration: no-op defaults")
        .isEqualTo("max\n");
    assertThat(read("/job/memory.devices/i915.0/memory.current")).isEqualTo("0\n");
  }

  /**
   * The controllers of the published hierarchy, or null while the host reboots (no service, or one
   * withdrawn between look-up and call).
   */
  @SuppressWarnings("unchecked")
  private java.util.Set<String> controllersNow() {
    ServiceReference<?> ref = osgi.context().getServiceReference("io.cgdev.core.Cgroups");
    Object service = ref == null ? null : osgi.context().getService(ref);
    if (service == null) {
      return null;
    }
    try {
      return new java.util.TreeSet<>((java.util.Collection<String>) Mirror.of(service).call("controllers").target);
    } catch (Mirror.Failure closedMeanwhile) {
      return null;
    } finally {
      osgi.context().ungetService(ref);
    }
  }

  /** Waits (at most 10 s: a reboot takes well under one) for the host to publish these controllers. */
  private void awaitControllers(java.util.Set<String> expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!expected.equals(controllersNow()) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(controllersNow()).isEqualTo(expected);
  }

  /**
   * Decided (docs/OSGI.md): a stopped controller bundle leaves {@code controllers()}; since a
   * hierarchy's controllers are fixed from boot to close, the host boots a new hierarchy without it,
   * and with it again once the bundle starts. The devices register with what is there.
   */
  @Test
  @Order(5)
  void stoppingAControllerBundleTakesItOutOfControllersAndStartingItBringsItBack() throws Exception {
    Bundle cpu = osgi.bundle("io.cgdev.controller.cpu");
    cpu.stop();
    awaitControllers(java.util.Set.of("cpuset", "dmem", "memory"));
    assertThat(devices()).containsExactly("i915.0");
    assertThat(read("/memory.devices/i915.0/memory.capacity")).matches("[1-9][0-9]*\n");
    assertThatThrownBy(() -> read("/cpu.devices/i915.0/cpu.stat"))
        .isInstanceOfSatisfying(Mirror.Failure.class, f -> assertThat(f.errno).isEqualTo("ENOENT"));

    cpu.start();
    awaitControllers(java.util.Set.of("cpu", "cpuset", "dmem", "memory"));
    assertThat(devices()).containsExactly("i915.0");
    assertThat(read("/cpu.devices/i915.0/cpu.stat")).contains("usage_usec");
  }

}
