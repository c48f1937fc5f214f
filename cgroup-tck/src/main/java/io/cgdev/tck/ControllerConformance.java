package io.cgdev.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance tests of a controller: extend it and return a new instance of your controller from
 * {@link #controller()}; override {@link #device(String)} if it governs resources other than memory
 * regions and engines. Each test boots a fresh hierarchy with the controller alone, registers the
 * device, enables the controller in the root and makes a child {@code /tck}.
 */
public abstract class ControllerConformance {
  /** A new instance of the controller under test. */
  protected abstract Controller<?> controller();

  /** The device registered for the tests: by default one 1 GiB region and two engines. */
  protected DeviceSpec device(String controllerName) {
    return DeviceSpec.builder("tck0", "tck").controllers(controllerName)
        .region(new RegionSpec("mem0", 1L << 30))
        .engine(new EngineSpec("eng0", "compute"))
        .engine(new EngineSpec("eng1", "compute"))
        .build();
  }

  /** Files that accept any value by design and are skipped by the garbage-write test. */
  protected Set<String> filesAcceptingAnyValue() {
    return Set.of("memory.peak");
  }

  private String name;
  private Cgroups cgroups;
  private CgroupFs fs;
  private DeviceRegistration registration;

  @BeforeEach
  final void boot() {
    Controller<?> c = controller();
    name = c.name();
    cgroups = Cgroups.builder().discover(false).controller(c).build();
    fs = cgroups.fs();
    registration = cgroups.register(device(name));
    fs.write("/cgroup.subtree_control", "+" + name);
    fs.mkdir("/tck");
  }

  @AfterEach
  final void shutdown() {
    cgroups.close();
  }

  private List<String> deviceFolders() {
    String dev = registration.name();
    return List.of("/" + name + ".devices/" + dev, "/tck/" + name + ".devices/" + dev);
  }

  @Test
  void theNameIsALowerCaseWordAndNotReserved() {
    assertTrue(name.matches("[a-z][a-z0-9_]*"), "controller name '" + name + "'");
    assertFalse(Set.of("cgroup", "devices").contains(name), "reserved name " + name);
    assertEquals(Set.of(name), cgroups.controllers());
  }

  @Test
  void everyCgroupGetsTheDeviceFilesPrefixedWithTheControllerName() {
    for (String dir : deviceFolders()) {
      List<String> files = FileRules.files(fs, dir);
      assertFalse(files.isEmpty(), "no files in " + dir);
      for (String f : files) {
        assertTrue(f.substring(f.lastIndexOf('/') + 1).startsWith(name + "."), f + " lacks the prefix " + name + ".");
      }
    }
    fs.write("/tck/cgroup.subtree_control", "+" + name);
    fs.mkdir("/tck/later");
    assertFalse(FileRules.files(fs, "/tck/later/" + name + ".devices/" + registration.name()).isEmpty(),
        "a cgroup made after the registration gets the files too");
  }

  @Test
  void everyFileEndsWithANewline() {
    for (String dir : deviceFolders()) {
      FileRules.readableFilesEndWithNewline(fs, dir);
    }
    for (String f : FileRules.files(fs, "/tck")) {
      if (f.startsWith("/tck/" + name + ".") && fs.stat(f).readable()) {
        assertTrue(fs.read(f).endsWith("\n"), f);
      }
    }
  }

  @Test
  void everyWritableFileTakesBackWhatItReads() {
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

  @Test
  void unregisteringRemovesTheFilesFromEveryCgroup() {
    registration.unregister();
    assertFalse(registration.registered());
    for (String dir : deviceFolders()) {
      CgroupException e = FileRules.expect(() -> fs.list(dir), dir + " still exists after unregister");
      assertEquals(Errno.ENOENT, e.errno());
    }
  }
}
