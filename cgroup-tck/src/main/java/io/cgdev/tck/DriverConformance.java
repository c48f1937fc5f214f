package io.cgdev.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.Keyed;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.Cgroups;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance tests of a device driver: extend it, return your {@link DriverUnderTest} from
 * {@link #driverUnderTest()}, and run it with JUnit 5. Each test boots a fresh hierarchy (no
 * discovery: only the driver and controllers given), enables every controller in the root, makes
 * {@code /tck-a} and {@code /tck-b}, and checks one rule of the charging policy
 * (docs/CHARGING_POLICY.md) or of the file view (docs/TCK.md) through the file view, as a user sees
 * it, on every {@link Meter} the driver names, in every region it names ({@link
 * DriverUnderTest#regions()}). The discovery tests check that the core will find the driver at all:
 * on the class path, on the module path, and (for a bundle) in OSGi ({@link Discovery}).
 *
 * <p>JUnit calls the tests on one thread; the class is not meant to be used otherwise.
 */
public abstract class DriverConformance {
  /** The driver to check; called once per test. */
  protected abstract DriverUnderTest driverUnderTest();

  /** Files that accept any value by design and are skipped by the garbage-write test. */
  protected Set<String> filesAcceptingAnyValue() {
    return Set.of("memory.peak", "memory.swap.peak");
  }

  /** Write-only files (triggers), skipped by the every-file-is-readable check: memcg's {@code memory.reclaim}. */
  protected Set<String> writeOnlyFiles() {
    return Set.of("memory.reclaim");
  }

  private DriverUnderTest dut;
  private DriverProvider provider;
  private List<Meter> meters;
  private List<String> regions;
  private Cgroups cgroups;
  private CgroupFs fs;

  @BeforeEach
  final void boot() {
    dut = driverUnderTest();
    provider = dut.provider();
    Cgroups.Builder b = Cgroups.builder().discover(false).driver(provider);
    dut.controllers().forEach(b::controller);
    for (Map.Entry<String, String> o : dut.options().entrySet()) {
      b.option(o.getKey(), o.getValue());
    }
    cgroups = b.build();
    fs = cgroups.fs();
    assertTrue(cgroups.drivers().contains(provider), "the driver did not probe: " + cgroups.diagnostics());
    regions = List.copyOf(dut.regions());
    assertFalse(regions.isEmpty(), "DriverUnderTest.regions() names no region");
    meters = List.copyOf(dut.meters());
    assertFalse(meters.isEmpty(), "DriverUnderTest.meters() names no meter");
    fs.write("/cgroup.subtree_control", "+" + String.join(" +", cgroups.controllers()));
    fs.mkdir("/tck-a");
    fs.mkdir("/tck-b");
  }

  @AfterEach
  final void shutdown() {
    cgroups.close();
  }

  /** The hierarchy of the running test, for checks a subclass adds. */
  protected final Cgroups cgroups() {
    return cgroups;
  }

  /** Every meter's usage in a cgroup, by meter. */
  private Map<Meter, Long> usage(String cgroup) {
    Map<Meter, Long> out = new LinkedHashMap<>();
    for (Meter m : meters) {
      out.put(m, m.read(fs, cgroup));
    }
    return out;
  }

  /** Every meter's usage plus {@code allocations} allocations of the test size in {@code region}. */
  private Map<Meter, Long> plus(Map<Meter, Long> base, int allocations, String region) {
    Map<Meter, Long> out = new LinkedHashMap<>();
    base.forEach((m, v) -> out.put(m, v + (m.appliesTo(region) ? allocations * m.charge(dut.allocationSize()) : 0)));
    return out;
  }

  private Map<Meter, Long> zero() {
    Map<Meter, Long> out = new LinkedHashMap<>();
    meters.forEach(m -> out.put(m, 0L));
    return out;
  }

  private Map<Meter, Long> charged(int allocations, String region) {
    return plus(zero(), allocations, region);
  }

  private DriverUnderTest.Buffer allocate(Task task, String region) {
    return dut.allocate(task, region, dut.allocationSize());
  }

  private long nrDying() {
    return Long.parseLong(Keyed.parseFlat(fs.read("/cgroup.stat")).get("nr_dying_descendants"));
  }

  private Task spawn(String cgroup) {
    return cgroups.tasks().spawn("tck", CgroupPath.parse(cgroup));
  }

  /** Makes {@code /tck-a} again if a region's check removed it. */
  private void freshA() {
    try {
      fs.stat("/tck-a");
    } catch (CgroupException e) {
      fs.mkdir("/tck-a");
    }
  }

  private static void expectRefused(CgroupException e, String what) {
    assertTrue(e.errno() == Errno.ENOSPC || e.errno() == Errno.ENOMEM, what + " must fail with ENOSPC, got " + e);
  }

  @Test
  void theProviderIsFoundByServiceLoaderOnTheClassPath() {
    Discovery.onClassPath(provider.getClass(), DriverProvider.class);
  }

  @Test
  void theProviderIsFoundByServiceLoaderOnTheModulePath() {
    Discovery.onModulePath(provider.getClass(), DriverProvider.class);
  }

  @Test
  void providesAndMetaInfServicesAgree() {
    Discovery.providesAndServicesAgree(provider.getClass());
  }

  @Test
  void theBundleManifestMatchesTheModule() {
    Assumptions.assumeTrue(Discovery.bundleManifest(provider.getClass()), "the plugin's jar has no OSGi bundle manifest");
  }

  @Test
  void theDeviceRegistersWithEveryMeteredController() {
    assertTrue(cgroups.devices().contains(dut.device()), "registered: " + cgroups.devices());
    for (Meter m : meters) {
      assertTrue(cgroups.devices().contains(m.device()), m + ": device not registered: " + cgroups.devices());
      for (String cg : new String[] {"/", "/tck-a"}) {
        assertTrue(FileRules.files(fs, m.folder(cg)).contains(m.folder(cg) + m.current()), "no " + m.current() + " in " + m.folder(cg));
      }
      assertEquals(0, m.read(fs, "/tck-a"), m + " of a new cgroup");
    }
  }

  @Test
  void chargedAtCreateToTheCreatorsCgroupAndUnchargedAtFree() {
    for (String region : regions) {
      Map<Meter, Long> rootBefore = usage("/");
      Task task = spawn("/tck-a");
      DriverUnderTest.Buffer buffer = allocate(task, region);
      assertEquals(charged(1, region), usage("/tck-a"), region + ": the creator's cgroup after allocating " + dut.allocationSize() + " bytes");
      assertEquals(zero(), usage("/tck-b"), region + ": a sibling is not charged");
      assertEquals(plus(rootBefore, 1, region), usage("/"), region + ": the charge reaches the root");
      buffer.free();
      assertEquals(zero(), usage("/tck-a"), region + ": the creator's cgroup after free");
      assertEquals(rootBefore, usage("/"), region + ": the root after free");
    }
  }

  @Test
  void eachAllocationIsChargedAndEachFreeReturnsExactlyItsShare() {
    for (String region : regions) {
      Task task = spawn("/tck-a");
      List<DriverUnderTest.Buffer> buffers = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        buffers.add(allocate(task, region));
        assertEquals(charged(i, region), usage("/tck-a"), region + ": after " + i + " allocations");
      }
      for (int i = 2; i >= 0; i--) {
        buffers.remove(buffers.size() - 1).free();
        assertEquals(charged(i, region), usage("/tck-a"), region + ": after freeing down to " + i + " allocations");
      }
    }
  }

  @Test
  void theChargeStaysWithTheCgroupThatWasChargedWhenTheTaskMoves() {
    for (String region : regions) {
      Task task = spawn("/tck-a");
      DriverUnderTest.Buffer buffer = allocate(task, region);
      cgroups.tasks().move(task.pid(), CgroupPath.parse("/tck-b"));
      assertEquals(charged(1, region), usage("/tck-a"), region + ": an existing charge does not follow the task");
      assertEquals(zero(), usage("/tck-b"));
      DriverUnderTest.Buffer later = allocate(task, region);
      assertEquals(charged(1, region), usage("/tck-b"), region + ": an allocation after the move is charged to the new cgroup");
      buffer.free();
      assertEquals(zero(), usage("/tck-a"), region + ": uncharged from the cgroup it was charged to");
      later.free();
      assertEquals(zero(), usage("/tck-b"));
      cgroups.tasks().exit(task.pid());
    }
  }

  @Test
  void aRemovedCgroupKeepsItsChargeUntilFreedAndIsThenReleased() {
    for (String region : regions) {
      freshA();
      Map<Meter, Long> rootBefore = usage("/");
      Task task = spawn("/tck-a");
      DriverUnderTest.Buffer buffer = allocate(task, region);
      cgroups.tasks().move(task.pid(), CgroupPath.parse("/tck-b"));
      fs.rmdir("/tck-a");
      assertEquals(1, nrDying(), region + ": a removed cgroup still charged is dying (cgroup.stat of the root)");
      assertEquals(plus(rootBefore, 1, region), usage("/"), region + ": the charge of a dying cgroup is neither lost nor moved");
      assertEquals(zero(), usage("/tck-b"), region + ": nor given to the task's new cgroup");
      buffer.free();
      assertEquals(0, nrDying(), region + ": the dying cgroup is released once its charge is returned");
      assertEquals(rootBefore, usage("/"));
      cgroups.tasks().exit(task.pid());
    }
  }

  @Test
  void aSharedBufferIsChargedOnceToItsCreator() {
    for (String region : regions) {
      Task creator = spawn("/tck-a");
      Task importer = spawn("/tck-b");
      DriverUnderTest.Buffer buffer = allocate(creator, region);
      DriverUnderTest.Buffer imported;
      try {
        imported = buffer.share(importer);
      } catch (UnsupportedOperationException e) {
        buffer.free();
        Assumptions.abort("the driver does not share buffers");
        return;
      }
      assertEquals(charged(1, region), usage("/tck-a"));
      assertEquals(zero(), usage("/tck-b"), region + ": the importer is not charged");
      buffer.free();
      assertEquals(charged(1, region), usage("/tck-a"), region + ": still charged to the creator while the importer holds it");
      imported.free();
      assertEquals(zero(), usage("/tck-a"), region + ": uncharged when the last reference goes");
      assertEquals(zero(), usage("/tck-b"));
    }
  }

  @Test
  void aLimitRefusesAnAllocationOrTheDriverEvictsAndUsageNeverPassesIt() {
    long size = dut.allocationSize();
    int limited = 0;
    for (String region : regions) {
      for (Meter m : meters) {
        if (m.max() == null || !m.appliesTo(region)) {
          continue;
        }
        limited++;
        String maxFile = m.folder("/tck-a") + m.max();
        String unlimited = fs.read(maxFile);
        long limit = m.charge(size);
        fs.write(maxFile, m.limitWrite(unlimited, limit));
        Task task = spawn("/tck-a");
        DriverUnderTest.Buffer first = allocate(task, region);
        Map<Meter, Long> before = usage("/tck-a");
        long maxEvents = m.event(fs, "/tck-a", "max");
        DriverUnderTest.Buffer second = null;
        try {
          second = allocate(task, region);
        } catch (CgroupException e) {
          expectRefused(e, m + ": an allocation in " + region + " over " + maxFile + " = " + limit);
          assertFalse(m.evictable(), m + " is declared evictable, but the driver refused instead of evicting: " + e);
          assertEquals(before, usage("/tck-a"), region + ": a refused allocation charges nothing, in any meter");
        }
        if (second != null) {
          assertTrue(m.evictable(), m + " is not declared evictable, yet a second allocation in " + region + " passed "
              + maxFile + " = " + limit);
          assertTrue(m.read(fs, "/tck-a") <= limit, m + ": usage " + m.read(fs, "/tck-a") + " passed " + maxFile + " = " + limit);
        }
        if (m.events() != null) {
          assertTrue(m.event(fs, "/tck-a", "max") > maxEvents, m + ": the limit was hit but " + m.events() + " counted no max event");
        }
        if (second != null) {
          second.free();
        }
        first.free();
        assertEquals(zero(), usage("/tck-a"), region + ": after freeing both");
        fs.write(maxFile, unlimited.strip());
        cgroups.tasks().exit(task.pid());
      }
    }
    Assumptions.assumeTrue(limited > 0, "no meter has a limit file");
  }

  @Test
  void afterUnplugNoStateNorFileIsLeft() {
    Task task = spawn("/tck-a");
    allocate(task, regions.getFirst()).free();
    Meter first = meters.get(0);
    OpenFile handle = fs.open(first.folder("/tck-a") + first.current(), OpenOptions.READ);
    try {
      assertTrue(cgroups.removeDriver(provider), "the driver was probed");
      assertFalse(cgroups.devices().contains(dut.device()), "still registered after remove(): " + cgroups.devices());
      for (Meter m : meters) {
        for (String cg : new String[] {"/", "/tck-a", "/tck-b"}) {
          CgroupException e = FileRules.expect(() -> fs.list(m.folder(cg)), m.folder(cg) + " still exists");
          assertEquals(Errno.ENOENT, e.errno(), m.folder(cg));
        }
      }
      CgroupException e = FileRules.expect(handle::read, "a handle opened before the unplug still reads");
      assertEquals(Errno.ENODEV, e.errno(), "a handle opened before the unplug: " + e);
    } finally {
      handle.close();
    }
    cgroups.tasks().exit(task.pid());
    fs.rmdir("/tck-a");
    assertEquals(0, nrDying(), "nothing of the device keeps a removed cgroup dying");
  }

  @Test
  void anAllocationAfterUnplugFailsWithEnodev() {
    Task task = spawn("/tck-a");
    assertTrue(cgroups.removeDriver(provider), "the driver was probed");
    CgroupException e = FileRules.expect(() -> allocate(task, regions.getFirst()), "an allocation after remove() succeeded");
    assertEquals(Errno.ENODEV, e.errno(), "an allocation after the unplug: " + e);
  }

  @Test
  void anUnplugWithLiveAllocationsLosesNoCharge() {
    Task task = spawn("/tck-a");
    DriverUnderTest.Buffer buffer = allocate(task, regions.getFirst());
    assertTrue(cgroups.removeDriver(provider), "the driver was probed");
    if (cgroups.devices().contains(dut.device())) {
      // refused while objects live (EBUSY inside remove()): everything stays as it was
      assertEquals(charged(1, regions.getFirst()), usage("/tck-a"), "an unplug refused while allocations live changes nothing");
      buffer.free();
      assertEquals(zero(), usage("/tck-a"), "and the allocation is still uncharged at free");
    } else {
      // the driver released every allocation itself before it unregistered
      for (Meter m : meters) {
        CgroupException e = FileRules.expect(() -> fs.list(m.folder("/tck-a")), m.folder("/tck-a") + " still exists");
        assertEquals(Errno.ENOENT, e.errno());
      }
      cgroups.tasks().exit(task.pid());
      fs.rmdir("/tck-a");
      assertEquals(0, nrDying(), "no charge of the unplugged device keeps a removed cgroup dying");
    }
  }

  @Test
  void everyDeviceFileIsReadableAndEndsWithANewline() {
    for (String dir : deviceFolders()) {
      FileRules.readableFilesEndWithNewline(fs, dir, writeOnlyFiles());
    }
  }

  /**
   * Every memory registration of the driver (each governs one region: several regions register
   * several times), in the root and in a child, before and after an allocation: each {@code memory.*}
   * file has memcg's shape ({@link FileRules#memcgShapes}).
   */
  @Test
  void everyMemoryRegistrationHasMemcgsFileShapes() {
    Assumptions.assumeTrue(cgroups.controllers().contains("memory"), "no memory controller in this run");
    List<String> folders = new ArrayList<>();
    for (String cg : new String[] {"", "/tck-a"}) {
      for (FsEntry e : fs.list(cg + "/memory.devices")) {
        folders.add(cg + "/memory.devices/" + e.name());
      }
    }
    Assumptions.assumeTrue(!folders.isEmpty(), "the driver registered nothing with memory");
    int n = 0;
    for (String dir : folders) {
      n += FileRules.memcgShapes(fs, dir);
    }
    Task task = spawn("/tck-a");
    DriverUnderTest.Buffer buffer = dut.allocate(task, dut.allocationSize());
    try {
      for (String dir : folders) {
        n += FileRules.memcgShapes(fs, dir);
      }
    } finally {
      buffer.free();
    }
    assertTrue(n > 0, "no memory.* file in " + folders);
  }

  @Test
  void everyWritableDeviceFileTakesBackWhatItReads() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::writableFilesRoundTrip,
        "the device has no writable file");
  }

  @Test
  void writesIgnoreSurroundingWhitespace() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::surroundingWhitespaceIsIgnored,
        "the device has no writable file");
  }

  @Test
  void readOnlyDeviceFilesRefuseWritesWithEacces() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::readOnlyFilesRefuseWrites,
        "the device has no read-only file");
  }

  @Test
  void garbageWritesFailWithEinvalOrErangeAndChangeNothing() {
    FileRules.inEveryFolder(fs, deviceFolders(),
        (files, dir) -> FileRules.garbageIsRefused(files, dir, filesAcceptingAnyValue()),
        "the device has no writable file that validates its value");
  }

  @Test
  void writesOver4096BytesFailWithE2big() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::longWritesAreE2big,
        "the device has no writable file");
  }

  /** The folder of every registration the meters name, under every controller, in the root and in a child. */
  private List<String> deviceFolders() {
    Set<String> devices = new LinkedHashSet<>();
    devices.add(dut.device());
    meters.forEach(m -> devices.add(m.device()));
    List<String> out = new ArrayList<>();
    for (String device : devices) {
      for (String ctrl : cgroups.controllers()) {
        for (String cg : new String[] {"", "/tck-a"}) {
          String dir = cg + "/" + ctrl + ".devices/" + device;
          try {
            fs.stat(dir);
            out.add(dir);
          } catch (CgroupException e) {
            // the device did not register with this controller
          }
        }
      }
    }
    assertFalse(out.isEmpty(), "the device " + dut.device() + " has no folder");
    return out;
  }
}
