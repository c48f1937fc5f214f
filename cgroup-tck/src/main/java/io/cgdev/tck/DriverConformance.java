package io.cgdev.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.Cgroups;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance tests of a device driver: extend it, return your {@link DriverUnderTest} from
 * {@link #driverUnderTest()}, and run it with JUnit 5. Each test boots a fresh hierarchy (no
 * discovery: only the driver and controllers given) and checks one rule of the charging policy
 * (docs/CHARGING_POLICY.md) or of the file view (docs/TCK.md), through the file view as a user sees
 * it.
 */
public abstract class DriverConformance {
  /** The driver to check; called once per test. */
  protected abstract DriverUnderTest driverUnderTest();

  /** Files that accept any value by design and are skipped by the garbage-write test. */
  protected Set<String> filesAcceptingAnyValue() {
    return Set.of("memory.peak");
  }

  private DriverUnderTest dut;
  private DriverProvider provider;
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
    assertTrue(cgroups.drivers().contains(provider),
        "the driver did not probe: " + cgroups.diagnostics());
    fs.write("/cgroup.subtree_control", "+" + String.join(" +", cgroups.controllers()));
    fs.mkdir("/tck-a");
    fs.mkdir("/tck-b");
  }

  @AfterEach
  final void shutdown() {
    cgroups.close();
  }

  private String memoryDir(String cgroup) {
    return (cgroup.equals("/") ? "" : cgroup) + "/memory.devices/" + dut.device() + "/";
  }

  /** Bytes of the tested region charged to a cgroup, read from its {@code memory.current}. */
  protected final long usage(String cgroup) {
    String content = fs.read(memoryDir(cgroup) + "memory.current");
    String[] lines = content.strip().split("\n");
    if (lines.length == 1 && !lines[0].contains(" ")) {
      return Long.parseLong(lines[0]);
    }
    for (String line : lines) {
      String[] kv = line.split(" ");
      if (kv[0].equals(dut.region())) {
        return Long.parseLong(kv[1]);
      }
    }
    throw new AssertionError("no region " + dut.region() + " in " + memoryDir(cgroup) + "memory.current: " + content);
  }

  private Task spawn(String cgroup) {
    return cgroups.tasks().spawn("tck", CgroupPath.parse(cgroup));
  }

  @Test
  void theDeviceRegistersWithTheMemoryController() {
    assertTrue(cgroups.devices().contains(dut.device()), "registered: " + cgroups.devices());
    for (String cg : new String[] {"/", "/tck-a"}) {
      assertFalse(FileRules.files(fs, memoryDir(cg)).isEmpty(), "no memory files in " + memoryDir(cg));
    }
  }

  @Test
  void chargedAtCreateToTheCreatorsCgroupAndUnchargedAtFree() {
    long size = dut.allocationSize();
    long rootBefore = usage("/");
    Task task = spawn("/tck-a");
    DriverUnderTest.Buffer buffer = dut.allocate(task, size);
    assertEquals(size, usage("/tck-a"), "memory.current of the creator's cgroup after allocating " + size);
    assertEquals(0, usage("/tck-b"), "a sibling is not charged");
    assertEquals(rootBefore + size, usage("/"), "the charge reaches the root");
    buffer.free();
    assertEquals(0, usage("/tck-a"), "memory.current after free");
    assertEquals(rootBefore, usage("/"), "root after free");
  }

  @Test
  void theChargeStaysWithTheCgroupThatWasChargedWhenTheTaskMoves() {
    long size = dut.allocationSize();
    Task task = spawn("/tck-a");
    DriverUnderTest.Buffer buffer = dut.allocate(task, size);
    cgroups.tasks().move(task.pid(), CgroupPath.parse("/tck-b"));
    assertEquals(size, usage("/tck-a"), "an existing charge does not follow the task");
    assertEquals(0, usage("/tck-b"));
    buffer.free();
    assertEquals(0, usage("/tck-a"), "uncharged from the cgroup it was charged to");
  }

  @Test
  void aSharedBufferIsChargedOnceToItsCreator() {
    long size = dut.allocationSize();
    Task creator = spawn("/tck-a");
    Task importer = spawn("/tck-b");
    DriverUnderTest.Buffer buffer = dut.allocate(creator, size);
    DriverUnderTest.Buffer imported;
    try {
      imported = buffer.share(importer);
    } catch (UnsupportedOperationException e) {
      buffer.free();
      Assumptions.abort("the driver does not share buffers");
      return;
    }
    assertEquals(size, usage("/tck-a"));
    assertEquals(0, usage("/tck-b"), "the importer is not charged");
    buffer.free();
    assertEquals(size, usage("/tck-a"), "still charged to the creator while the importer holds it");
    imported.free();
    assertEquals(0, usage("/tck-a"), "uncharged when the last reference goes");
  }

  @Test
  void aLimitRefusesAnAllocationOrReclaimsAndUsageNeverPassesIt() {
    long size = dut.allocationSize();
    String max = memoryDir("/tck-a") + "memory.max";
    String current = fs.read(max);
    boolean keyed = current.strip().contains(" ");
    fs.write(max, keyed ? dut.region() + " " + size : Long.toString(size));
    Task task = spawn("/tck-a");
    DriverUnderTest.Buffer first = dut.allocate(task, size);
    try {
      DriverUnderTest.Buffer second = dut.allocate(task, size);
      // the driver made room (eviction to another region): the limit still holds
      assertTrue(usage("/tck-a") <= size, "usage " + usage("/tck-a") + " passed memory.max " + size);
      second.free();
    } catch (CgroupException e) {
      assertTrue(e.errno() == Errno.ENOSPC || e.errno() == Errno.ENOMEM, "over the limit: " + e);
      assertEquals(size, usage("/tck-a"), "a refused allocation charges nothing");
    }
    first.free();
    assertEquals(0, usage("/tck-a"));
  }

  @Test
  void afterUnplugNoStateNorFileIsLeft() {
    Task task = spawn("/tck-a");
    dut.allocate(task, dut.allocationSize()).free();
    provider.remove();
    assertFalse(cgroups.devices().contains(dut.device()), "still registered: " + cgroups.devices());
    for (String cg : new String[] {"/", "/tck-a", "/tck-b"}) {
      CgroupException e = FileRules.expect(() -> fs.list(memoryDir(cg)), memoryDir(cg) + " still exists");
      assertEquals(Errno.ENOENT, e.errno());
    }
  }

  @Test
  void everyDeviceFileEndsWithANewline() {
    for (String dir : deviceFolders()) {
      FileRules.readableFilesEndWithNewline(fs, dir);
    }
  }

  @Test
  void everyWritableDeviceFileTakesBackWhatItReads() {
    for (String dir : deviceFolders()) {
      FileRules.writableFilesRoundTrip(fs, dir);
    }
  }

  @Test
  void garbageWritesFailWithEinvalOrErangeAndChangeNothing() {
    for (String dir : deviceFolders()) {
      FileRules.garbageIsRefused(fs, dir, filesAcceptingAnyValue());
    }
  }

  @Test
  void writesOver4096BytesFailWithE2big() {
    for (String dir : deviceFolders()) {
      FileRules.longWritesAreE2big(fs, dir);
    }
  }

  /** The device's folder under every controller, in the root and in a child. */
  private java.util.List<String> deviceFolders() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String ctrl : cgroups.controllers()) {
      for (String cg : new String[] {"", "/tck-a"}) {
        String dir = cg + "/" + ctrl + ".devices/" + dut.device();
        try {
          fs.stat(dir);
          out.add(dir);
        } catch (CgroupException e) {
          // the device did not register with this controller
        }
      }
    }
    assertFalse(out.isEmpty(), "the device " + dut.device() + " has no folder");
    return out;
  }
}
