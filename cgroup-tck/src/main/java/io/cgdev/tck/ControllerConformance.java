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
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance tests of a controller: extend it and return a new instance of your controller from
 * {@link #controller()}; override {@link #device(String)} if it governs resources other than memory
 * regions and engines. Each test boots a fresh hierarchy with the controller alone, registers the
 * device, enables the controller in the root and makes a child {@code /tck}.
 *
 * <p>Two optional hooks make the kit check more: {@link #writes()} lists documented write formats
 * with the value each reads back (or the errno it fails with), and {@link #charger} charges through
 * the controller's capability, which enables the unplug and dying-cgroup checks. Tests whose hook is
 * not given are reported as skipped (aborted assumptions), not as passed. The discovery tests check
 * that the core will find the controller at all: on the class path, on the module path, and (for a
 * bundle) in OSGi ({@link Discovery}).
 *
 * <p>JUnit calls the tests on one thread; the class is not meant to be used otherwise.
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
    return Set.of("memory.peak", "memory.swap.peak");
  }

  /**
   * Write-only files (triggers), skipped by the every-file-is-readable check and allowed on the root
   * (memcg's {@code memory.reclaim} is on the root too).
   */
  protected Set<String> writeOnlyFiles() {
    return Set.of("memory.reclaim");
  }

  /**
   * Documented write formats of the controller's per-device files in {@code /tck}, applied in order
   * (each sees the effect of the ones before). None by default; list at least the forms your docs
   * promise (suffixes, {@code max}, ranges) and the values they refuse.
   */
  protected List<Write> writes() {
    return List.of();
  }

  /**
   * Charges through the controller's capability for the test device; looked up once after the
   * registration, as a driver does. The default has no charger: the charge tests are skipped.
   *
   * @throws UnsupportedOperationException if the controller offers nothing to charge
   */
  protected Charger charger(DeviceRegistration registration) {
    throw new UnsupportedOperationException("no charger given");
  }

  /**
   * One documented write to a per-device file and its outcome.
   *
   * @param file the file name, e.g. {@code memory.max}
   * @param value what is written
   * @param reads what the file reads afterwards, or {@code null} for a refused write
   * @param refusedWith the errnos a refused write may fail with; empty for an accepted one
   */
  public record Write(String file, String value, String reads, Set<Errno> refusedWith) {
    public Write {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(value, "value");
      refusedWith = Set.copyOf(refusedWith);
      if ((reads == null) == refusedWith.isEmpty()) {
        throw new IllegalArgumentException("a write is either accepted (reads) or refused (refusedWith): " + file);
      }
    }

    /** Writing {@code value} succeeds and the file then reads {@code reads}. */
    public static Write accepted(String file, String value, String reads) {
      return new Write(file, value, reads, Set.of());
    }

    /** Writing {@code value} fails with one of {@code errnos} and the file reads as before. */
    public static Write refused(String file, String value, Errno... errnos) {
      return new Write(file, value, null, Set.of(errnos));
    }
  }

  /** Charges one unit (a page, an object, a client) to a cgroup through the controller's capability. */
  @FunctionalInterface
  public interface Charger {
    /**
     * Charges; the returned charge takes it back.
     *
     * @throws CgroupException {@code ENODEV} after the device unregistered
     */
    Charge charge(CgroupHandle cgroup);
  }

  /** A charge made by a {@link Charger}. */
  @FunctionalInterface
  public interface Charge {
    /** Takes the charge back. */
    void uncharge();
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

  private String folder(String cgroup) {
    return (cgroup.equals("/") ? "" : cgroup) + "/" + name + ".devices/" + registration.name();
  }

  private long nrDying() {
    return Long.parseLong(Keyed.parseFlat(fs.read("/cgroup.stat")).get("nr_dying_descendants"));
  }

  private Charger chargerOrSkip() {
    try {
      return charger(registration);
    } catch (UnsupportedOperationException e) {
      return Assumptions.abort("no charger for " + name + ": " + e.getMessage());
    }
  }

  @Test
  void theProviderIsFoundByServiceLoaderOnTheClassPath() {
    Discovery.onClassPath(controller().getClass(), Controller.class);
  }

  @Test
  void theProviderIsFoundByServiceLoaderOnTheModulePath() {
    Discovery.onModulePath(controller().getClass(), Controller.class);
  }

  @Test
  void providesAndMetaInfServicesAgree() {
    Discovery.providesAndServicesAgree(controller().getClass());
  }

  @Test
  void theBundleManifestMatchesTheModule() {
    Assumptions.assumeTrue(Discovery.bundleManifest(controller().getClass()), "the plugin's jar has no OSGi bundle manifest");
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
  void theRootShowsUsageButNoLimits() {
    for (String f : FileRules.files(fs, folder("/"))) {
      FsEntry e = fs.stat(f);
      assertFalse(e.writable() && !filesAcceptingAnyValue().contains(e.name()) && !writeOnlyFiles().contains(e.name())
              && !FileRules.TRIGGER_FILES.contains(e.name()),
          f + " is writable in the root: limits and weights are NOT_ON_ROOT (docs/SEMANTICS.md §3)");
    }
  }

  @Test
  void everyFileIsReadableAndEndsWithANewline() {
    for (String dir : deviceFolders()) {
      FileRules.readableFilesEndWithNewline(fs, dir, writeOnlyFiles());
    }
    for (String f : FileRules.files(fs, "/tck")) {
      if (f.startsWith("/tck/" + name + ".") && fs.stat(f).readable()) {
        assertTrue(fs.read(f).endsWith("\n"), f);
      }
    }
  }

  @Test
  void everyWritableFileTakesBackWhatItReads() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::writableFilesRoundTrip,
        "the controller has no writable per-device file");
  }

  @Test
  void writesIgnoreSurroundingWhitespace() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::surroundingWhitespaceIsIgnored,
        "the controller has no writable per-device file");
  }

  @Test
  void readOnlyFilesRefuseWritesWithEacces() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::readOnlyFilesRefuseWrites,
        "the controller has no read-only per-device file");
  }

  @Test
  void garbageWritesFailWithEinvalOrErangeAndChangeNothing() {
    FileRules.inEveryFolder(fs, deviceFolders(),
        (files, dir) -> FileRules.garbageIsRefused(files, dir, filesAcceptingAnyValue()),
        "the controller has no writable per-device file that validates its value");
  }

  @Test
  void writesOver4096BytesFailWithE2big() {
    FileRules.inEveryFolder(fs, deviceFolders(), FileRules::longWritesAreE2big,
        "the controller has no writable per-device file");
  }

  @Test
  void documentedWriteFormatsBehaveAsDocumented() {
    List<Write> writes = writes();
    Assumptions.assumeFalse(writes.isEmpty(), "no documented writes given (override writes())");
    for (Write w : writes) {
      String path = folder("/tck") + "/" + w.file();
      String before = fs.read(path);
      if (w.reads() != null) {
        try {
          fs.write(path, w.value());
        } catch (CgroupException e) {
          throw new AssertionError(path + " refused the documented value '" + w.value() + "': " + e, e);
        }
        assertEquals(w.reads(), fs.read(path), path + " after writing '" + w.value() + "'");
      } else {
        CgroupException e = FileRules.expect(() -> fs.write(path, w.value()), path + " accepted '" + w.value() + "'");
        assertTrue(w.refusedWith().contains(e.errno()), path + ": '" + w.value() + "' must fail with " + w.refusedWith() + ", got " + e);
        assertEquals(before, fs.read(path), path + " changed after the refused write '" + w.value() + "'");
      }
    }
  }

  @Test
  void unregisteringRemovesTheFilesFromEveryCgroup() {
    String file = FileRules.files(fs, folder("/tck")).get(0);
    OpenFile handle = fs.open(file, OpenOptions.READ);
    try {
      registration.unregister();
      assertFalse(registration.registered());
      for (String dir : deviceFolders()) {
        CgroupException e = FileRules.expect(() -> fs.list(dir), dir + " still exists after unregister");
        assertEquals(Errno.ENOENT, e.errno());
      }
      CgroupException e = FileRules.expect(handle::read, file + ": a handle opened before unregister still reads");
      assertEquals(Errno.ENODEV, e.errno(), file + ": " + e);
    } finally {
      handle.close();
    }
  }

  @Test
  void unregisterIsRefusedWithEbusyWhileChargedAndChangesNothing() {
    Charger charger = chargerOrSkip();
    Charge charge = charger.charge(cgroups.context().cgroup(CgroupPath.parse("/tck")));
    CgroupException e = FileRules.expect(registration::unregister, "unregister succeeded while a charge was held");
    assertEquals(Errno.EBUSY, e.errno(), "unregister while charged: " + e);
    assertTrue(registration.registered(), "a refused unregister changes nothing");
    for (String dir : deviceFolders()) {
      assertFalse(FileRules.files(fs, dir).isEmpty(), dir + " lost its files after a refused unregister");
    }
    charge.uncharge();
    registration.unregister();
    assertFalse(registration.registered());
  }

  @Test
  void chargesAfterUnregisterFailWithEnodev() {
    Charger charger = chargerOrSkip();
    CgroupHandle root = cgroups.context().root();
    charger.charge(root).uncharge();
    registration.unregister();
    CgroupException e = FileRules.expect(() -> charger.charge(root), "a charge after unregister succeeded");
    assertEquals(Errno.ENODEV, e.errno(), "a charge after unregister: " + e);
  }

  @Test
  void aRemovedCgroupHoldingAChargeStaysDyingUntilUncharged() {
    Charger charger = chargerOrSkip();
    fs.mkdir("/tck-dying");
    Charge charge = charger.charge(cgroups.context().cgroup(CgroupPath.parse("/tck-dying")));
    fs.rmdir("/tck-dying");
    assertEquals(1, nrDying(), "a removed cgroup still charged is dying (cgroup.stat of the root)");
    charge.uncharge();
    assertEquals(0, nrDying(), "released once the charge is returned");
    registration.unregister();
    assertFalse(registration.registered());
  }
}
