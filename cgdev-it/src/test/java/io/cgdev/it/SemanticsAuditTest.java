package io.cgdev.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Task;
import io.cgdev.api.Tasks;
import io.cgdev.core.Cgroups;
import io.cgdev.drm.DmaBuf;
import io.cgdev.drm.DriverFeature;
import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import io.cgdev.i915.I915Descriptor;
import io.cgdev.i915.I915Driver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Walks the semantics reference (docs/SEMANTICS.md, first written as ../shared/SEMANTICS.md) section by section and checks each rule through the public file
 * view ({@link CgroupFs}) and {@link Tasks}, as a user of a cgroup v2 file system would. The world is
 * booted with discovery (memory, cpu, cpuset controllers) and an i915 with two tiles of 1 GiB local
 * memory: one region per memory registration, so every file has memcg's plain shapes: {@code i915.0}
 * offers local0 to memory (system0 is host memory, never charged) and all engines, {@code i915.0.tile1}
 * offers local1. The dmem view ({@code dmem.*}, controller {@code dmem}) shows both as {@code
 * drm/0000:00:02.0/local<N>}.
 */
class SemanticsAuditTest {
  static final long M = 1L << 20;
  static final String DEV = "i915.0";
  static final String TILE = "i915.0.tile1";
  static final String DMEM0 = "drm/0000:00:02.0/local0";
  static final String DMEM1 = "drm/0000:00:02.0/local1";

  Cgroups cg;
  CgroupFs fs;
  Tasks tasks;
  DrmDevice gpu;
  final List<DrmFile> clients = new ArrayList<>();

  @BeforeEach
  void boot() {
    I915Descriptor hw = new I915Descriptor(List.of(I915Descriptor.device(0, List.of(1L << 30, 1L << 30))));
    cg = Cgroups.builder().driver(new I915Driver(hw)).build();
    fs = cg.fs();
    tasks = cg.tasks();
    gpu = cg.driver(I915Driver.class).orElseThrow().device(DEV);
    fs.write("/cgroup.subtree_control", "+memory +cpu +cpuset");
    fs.mkdir("/a");
  }

  @AfterEach
  void shutdown() {
    clients.forEach(DrmFile::close);
    cg.close();
  }

  // ------------------------------------------------------------------ helpers

  static Errno errnoOf(Runnable r) {
    CgroupException e = catchThrowableOfType(CgroupException.class, r::run);
    assertThat(e).as("expected a CgroupException").isNotNull();
    return e.errno();
  }

  /** Asserts the errno and that the file at {@code path} reads the same afterwards. */
  void assertRefused(Errno errno, String path, String value) {
    String before = fs.read(path);
    assertThat(errnoOf(() -> fs.write(path, value))).as("write '%s' to %s", value, path).isEqualTo(errno);
    assertThat(fs.read(path)).as("unchanged " + path).isEqualTo(before);
  }

  static String mem(String cgroup, String dev, String file) {
    return (cgroup.equals("/") ? "" : cgroup) + "/memory.devices/" + dev + "/memory." + file;
  }

  static String cpu(String cgroup, String file) {
    return (cgroup.equals("/") ? "" : cgroup) + "/cpu.devices/" + DEV + "/cpu." + file;
  }

  static String cpuset(String cgroup, String file) {
    return (cgroup.equals("/") ? "" : cgroup) + "/cpuset.devices/" + DEV + "/cpuset." + file;
  }

  /**
   * A file of {@code cgroup} as the tables below name it: {@code where} is {@code core} (a file of the
   * cgroup folder itself), {@code dev} / {@code tile} (memory of {@link #DEV} / {@link #TILE}),
   * {@code cpu} or {@code cpuset} (that controller's folder of {@link #DEV}).
   */
  static String file(String cgroup, String where, String name) {
    return switch (where) {
      case "core" -> (cgroup.equals("/") ? "" : cgroup) + "/" + name;
      case "dev" -> mem(cgroup, DEV, name);
      case "tile" -> mem(cgroup, TILE, name);
      case "cpu" -> cpu(cgroup, name);
      case "cpuset" -> cpuset(cgroup, name);
      default -> throw new IllegalArgumentException("unknown file kind " + where);
    };
  }

  Map<String, String> flat(String path) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : fs.read(path).split("\n")) {
      String[] kv = line.split(" ", 2);
      m.put(kv[0], kv[1]);
    }
    return m;
  }

  long flatValue(String path, String key) {
    return Long.parseLong(flat(path).get(key));
  }

  long value(String path) {
    return Long.parseLong(fs.read(path).strip());
  }

  Task spawn(String cgroup) {
    return tasks.spawn("t", CgroupPath.parse(cgroup));
  }

  DrmFile client(String cgroup) {
    DrmFile f = gpu.open(spawn(cgroup));
    clients.add(f);
    return f;
  }

  List<String> allFiles(String dir) {
    List<String> out = new ArrayList<>();
    for (FsEntry e : fs.list(dir)) {
      String p = (dir.equals("/") ? "" : dir) + "/" + e.name();
      if (e.isDirectory()) {
        out.addAll(allFiles(p));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ §1

  @Nested
  class S1FilesAndValues {
    @Test
    void everyReadableFileEndsInANewlineOrIsEmpty() {
      fs.mkdir("/a/b");
      List<String> files = allFiles("/");
      assertThat(files).hasSizeGreaterThan(50);
      for (String p : files) {
        if (!fs.stat(p).readable()) {
          continue;
        }
        String content = fs.read(p);
        if (!content.isEmpty()) {
          assertThat(content).as(p).endsWith("\n");
        }
      }
    }

    @Test
    void singleValueShape() {
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo("max\n");
      assertThat(fs.read(mem("/a", TILE, "min"))).isEqualTo("0\n");
      fs.write(mem("/a", TILE, "max"), "536870912");
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo("536870912\n");
      assertThat(fs.read(cpu("/a", "weight"))).isEqualTo("100\n");
    }

    @Test
    void flatKeyedShape() {
      assertThat(fs.read("/a/cgroup.events")).isEqualTo("populated 0\nfrozen 0\n");
      assertThat(fs.read(mem("/a", TILE, "events"))).matches("(?:[a-z_]+ \\d+\\n)+");
      assertThat(fs.read("/a/cgroup.stat")).matches("(?:[a-z_]+ \\d+\\n)+");
    }

    @Test
    void everyMemoryRegistrationHasMemcgsFlatKeyedEvents() {
      // docs/MEMORY.md: one region per registration, so no nested keyed per-region lines anywhere
      for (String dev : List.of(DEV, TILE)) {
        assertThat(fs.read(mem("/a", dev, "events")))
            .isEqualTo("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\nsock_throttled 0\n");
        assertThat(fs.read(mem("/a", dev, "swap.events"))).isEqualTo("high 0\nmax 0\nfail 0\n");
        assertThat(fs.read(mem("/a", dev, "max"))).isEqualTo("max\n");
      }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "0,1,2,3,7;0-3,7", "7,3,2,1,0;0-3,7", "1,2;1-2", "5;5", "0-1,3-4,6;0-1,3-4,6",
        "2,2,2;2", "0-8;0-8", "1,3,5;1,3,5", "3-5,4-6;3-6"})
    void listFormatIsAscendingWithRunsOfTwoOrMoreAsRanges(String written, String expected) {
      fs.write(cpuset("/a", "cpus"), written);
      assertThat(fs.read(cpuset("/a", "cpus"))).isEqualTo(expected + "\n");
    }

    @Test
    void emptyListPrintsAnEmptyLine() {
      assertThat(fs.read(cpuset("/a", "cpus"))).isEqualTo("\n");
      fs.write(cpuset("/a", "cpus"), "1-2");
      fs.write(cpuset("/a", "cpus"), "\n"); // echo > cpuset.cpus; an empty write (0 bytes) changes nothing
      assertThat(fs.read(cpuset("/a", "cpus"))).isEqualTo("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"256M\n", "  256M  ", "\t256M\n", " 256M \n"})
    void surroundingWhitespaceAndOneNewlineAreIgnored(String value) {
      fs.write(mem("/a", TILE, "max"), value);
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo((256 * M) + "\n");
    }

    @Test
    void aWriteOfMoreThan4096BytesIsE2big() {
      String big = "1" + " ".repeat(4096);
      assertThat(big.length()).isEqualTo(4097);
      assertRefused(Errno.E2BIG, mem("/a", TILE, "max"), big);
      assertRefused(Errno.E2BIG, cpu("/a", "weight"), big);
      assertRefused(Errno.E2BIG, "/a/cgroup.subtree_control", "+memory" + " ".repeat(4096));
    }

    @Test
    void aWriteOfExactly4096BytesIsAccepted() {
      String value = "4096" + " ".repeat(4092);
      assertThat(value.length()).isEqualTo(4096);
      fs.write(mem("/a", TILE, "max"), value);
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo("4096\n");
    }

    @ParameterizedTest
    @CsvSource({
        "8K,8192", "8k,8192", "1M,1048576", "1m,1048576", "1G,1073741824", "1g,1073741824",
        "1T,1099511627776", "1t,1099511627776", "1P,1125899906842624", "2p,2251799813685248",
        "4096,4096", "0,0", "max,max"})
    void byteSizesAcceptBinarySuffixesInEitherCaseAndMax(String written, String read) {
      fs.write(mem("/a", TILE, "max"), written);
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo(read + "\n");
    }

    @ParameterizedTest
    @CsvSource({"4097,4096", "8191,4096", "1K,0", "3k,0", "5k,4096", "12345,12288"})
    void limitsAreRoundedDownToThePageSize(String written, long read) {
      fs.write(mem("/a", TILE, "high"), written);
      assertThat(value(mem("/a", TILE, "high"))).isEqualTo(read);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "8E", "9223372036854775808"})
    void aSizeTooLargeForTheCounterClampsToMax(String written) {
      fs.write(mem("/a", TILE, "max"), "1G");
      fs.write(mem("/a", TILE, "max"), written);
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo("max\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"16E;0", "M;0", "' ';0", "0x10000;65536", "010000;4096"})
    void memparseWrapsAtTwoToTheSixtyFourAndReadsNothingAsZeroAndHexAndOctal(String written, String read) {
      // page_counter_memparse: memparse (simple_strtoull, u64) then only a trailing NUL is checked
      fs.write(mem("/a", TILE, "max"), "1G");
      fs.write(mem("/a", TILE, "max"), written);
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo(read + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-1M", "1.5G", "0.5", "12abc", "1KB", "1Q", "max1", "+5",
        "1 2", "maximum", "1 G", "\u0661G", "1\u2003G"})
    void badSizesAreEinvalAndChangeNothing(String written) {
      fs.write(mem("/a", TILE, "max"), "1G");
      assertRefused(Errno.EINVAL, mem("/a", TILE, "max"), written);
      assertRefused(Errno.EINVAL, mem("/a", TILE, "min"), written);
    }

    @ParameterizedTest
    @CsvSource({
        "cpu, weight, 0", "cpu, weight, 10001", "cpu, weight.nice, -21", "cpu, weight.nice, 20",
        "core, cgroup.max.depth, -1", "core, cgroup.max.descendants, -1"})
    void outOfRangeNumbersAreErangeForWeightsAndMaxFiles(String where, String name, String value) {
      assertRefused(Errno.ERANGE, file("/a", where, name), value);
    }

    @ParameterizedTest
    @CsvSource({
        "cpu, weight, 99999999999999999999", "cpu, weight.nice, -99999999999999999999",
        "core, cgroup.max.depth, 99999999999999999999"})
    void numbersTooLargeForTheirTypeAreErangeAsKstrtoxSays(String where, String name, String value) {
      assertRefused(Errno.ERANGE, file("/a", where, name), value);
    }

    @ParameterizedTest
    @CsvSource({"max, 999 100000", "max, 50000 999", "max, 50000 1000001", "max.burst, -1"})
    void butCpuMaxAndBurstRangeErrorsAreEinval(String name, String value) {
      assertRefused(Errno.EINVAL, cpu("/a", name), value);
    }

    @Test
    void aBurstAboveTheQuotaIsEinvalToo() {
      fs.write(cpu("/a", "max"), "50000 100000");
      assertRefused(Errno.EINVAL, cpu("/a", "max.burst"), "50001");
    }

    @ParameterizedTest
    @CsvSource({
        "dev, max, local0 1G", "tile, max, local1 1G",
        "core, dmem.max, drm/0000:00:02.0/vram0 1G", "core, dmem.max, local0 1G"})
    void regionKeysInMemcgFilesAndUnknownDmemRegionsAreEinval(String where, String name, String value) {
      fs.write("/cgroup.subtree_control", "+dmem");
      assertRefused(Errno.EINVAL, file("/a", where, name), value);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "core; dmem.max; drm/0000:00:02.0/local0 256M\\ndrm/0000:00:02.0/local1 1M",
        "core; dmem.max; drm/0000:00:02.0/local0 256M\\nbogus 1M",
        "core; dmem.max; drm/0000:00:02.0/local0 lots", "dev; max; 256M\\n128M"})
    void aDmemWriteTakesOnePairAndABadWriteChangesNothing(String where, String name, String escapedValue) {
      fs.write("/cgroup.subtree_control", "+dmem");
      assertRefused(Errno.EINVAL, file("/a", where, name), escapedValue.replace("\\n", "\n"));
      assertThat(fs.read(mem("/a", DEV, "max"))).isEqualTo("max\n");
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo("max\n");
    }

    @Test
    void theDmemAndMemcgViewsShowTheSameCounters() {
      fs.write("/cgroup.subtree_control", "+dmem");
      fs.write("/a/dmem.max", DMEM1 + " 32M");
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo((32 * M) + "\n");
      fs.write(mem("/a", DEV, "max"), "256M");
      assertThat(fs.read("/a/dmem.max")).isEqualTo(DMEM0 + " " + (256 * M) + "\n" + DMEM1 + " " + (32 * M) + "\n");
      assertThat(fs.read("/dmem.capacity")).isEqualTo(DMEM0 + " " + (1L << 30) + "\n" + DMEM1 + " " + (1L << 30) + "\n");
    }

    @Test
    void openHandlesAreRequiredStateAndReadOnlyFilesRefuseWriters() {
      assertThat(errnoOf(() -> fs.open(mem("/a", TILE, "current"), OpenOptions.WRITE))).isEqualTo(Errno.EACCES);
      assertThat(errnoOf(() -> fs.open("/a/cgroup.events", OpenOptions.WRITE))).isEqualTo(Errno.EACCES);
      assertThat(errnoOf(() -> fs.open("/a/nonexistent", OpenOptions.READ))).isEqualTo(Errno.ENOENT);
      assertThat(errnoOf(() -> fs.open("/a", OpenOptions.READ))).isEqualTo(Errno.EISDIR);
      OpenFile h = fs.open(mem("/a", TILE, "max"), OpenOptions.READ);
      h.close();
      assertThat(errnoOf(h::read)).isEqualTo(Errno.EBADF);
      try (OpenFile r = fs.open(mem("/a", TILE, "max"), OpenOptions.READ)) {
        assertThat(errnoOf(() -> r.write("1M"))).isEqualTo(Errno.EBADF);
      }
    }
  }

  // ------------------------------------------------------------------ §2

  @Nested
  class S2Hierarchy {
    @ParameterizedTest
    @ValueSource(strings = {"a b", "ü-名前", "x.y", "-", "tenant:1", "...", ".hidden"})
    void namesMayBeAnyBytesButSlashAndNewline(String name) {
      fs.mkdir("/a/" + name);
      assertThat(fs.list("/a").stream().map(FsEntry::name)).contains(name);
      fs.rmdir("/a/" + name);
    }

    @Test
    void namesLongerThan255BytesAreFineUpToPathMax() {
      // SEMANTICS §2: kernfs has no 255-byte limit (the host kernel makes such cgroups); a name must
      // fit in PATH_MAX with its NUL, so longer is ENAMETOOLONG (docs/ARCHITECTURE.md §7)
      String long256 = "\u00e9".repeat(127) + "xx";
      fs.mkdir("/a/" + long256);
      assertThat(fs.list("/a").stream().map(FsEntry::name)).contains(long256);
      String tooLong = "x".repeat(4096);
      assertThat(errnoOf(() -> fs.mkdir("/a/" + tooLong))).isEqualTo(Errno.ENAMETOOLONG);
      assertThat(fs.list("/a").stream().map(FsEntry::name)).doesNotContain(tooLong);
    }

    @Test
    void aNewlineIsNotANameCharacter() {
      int before = fs.list("/a").size();
      assertThat(errnoOf(() -> fs.mkdir("/a/x\ny"))).isEqualTo(Errno.EINVAL);
      assertThat(fs.list("/a")).hasSize(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/.", "/a/..", "/a/./b", "/a/../b"})
    void dotAndDotDotAreNeverCreated(String path) {
      // docs/ARCHITECTURE.md §7: the file view takes absolute paths without '.'/'..' components and
      // answers ENOENT for them (the kernel's mkdir of an existing '.' would be EEXIST)
      int before = fs.list("/a").size();
      int rootBefore = fs.list("/").size();
      assertThat(errnoOf(() -> fs.mkdir(path))).isEqualTo(Errno.ENOENT);
      assertThat(fs.list("/a")).hasSize(before);
      assertThat(fs.list("/")).hasSize(rootBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/b", "/a/memory.devices", "/dmem.current", "/a"})
    void nameOfAnExistingEntryIsEexist(String path) {
      fs.mkdir("/a/b");
      assertThat(errnoOf(() -> fs.mkdir(path))).isEqualTo(Errno.EEXIST);
    }

    @ParameterizedTest
    // SEMANTICS §2: an existing entry of the parent folder is EEXIST, as in the kernel
    @CsvSource({"/a, cgroup.procs", "/, memory.devices", "/a, memory.devices", "/a, cgroup.events"})
    void existingInterfaceEntriesAreEexist(String parent, String name) {
      List<String> before = fs.list(parent).stream().map(FsEntry::name).toList();
      assertThat(errnoOf(() -> fs.mkdir(file(parent, "core", name)))).isEqualTo(Errno.EEXIST);
      assertThat(fs.list(parent).stream().map(FsEntry::name)).containsExactlyElementsOf(before);
    }

    @ParameterizedTest
    // kernfs reserves no names: what is not in the folder may be taken, as the host kernel does
    // (cgroup-conformance compares this with it); cpu.weight is a per-device file, not in /a
    @CsvSource({"/a, cgroup.anything", "/a, gem.devices", "/a, cpu.weight", "/, cgroup.events", "/a, devices"})
    void namesOfEntriesThatAreNotThereAreFree(String parent, String name) {
      fs.mkdir(file(parent, "core", name));
      assertThat(fs.stat(file(parent, "core", name)).isDirectory()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope/x", "/a/nope/x"})
    void mkdirUnderAMissingParentIsEnoent(String path) {
      assertThat(errnoOf(() -> fs.mkdir(path))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void mkdirPastMaxDepthOfAnyAncestorIsEagain() {
      fs.write("/cgroup.max.depth", "2");
      assertThat(fs.read("/cgroup.max.depth")).isEqualTo("2\n");
      fs.mkdir("/a/b");
      assertThat(errnoOf(() -> fs.mkdir("/a/b/c"))).isEqualTo(Errno.EAGAIN);
      fs.write("/cgroup.max.depth", "max");
      fs.write("/a/cgroup.max.depth", "0");
      assertThat(errnoOf(() -> fs.mkdir("/a/b/c"))).isEqualTo(Errno.EAGAIN);
      assertThat(errnoOf(() -> fs.mkdir("/a/c"))).isEqualTo(Errno.EAGAIN);
      fs.mkdir("/z"); // the root itself is not limited by /a's setting
    }

    @Test
    void mkdirPastMaxDescendantsOfAnyAncestorIsEagain() {
      fs.write("/a/cgroup.max.descendants", "2");
      fs.mkdir("/a/b");
      fs.mkdir("/a/b/c");
      assertThat(errnoOf(() -> fs.mkdir("/a/b/d"))).isEqualTo(Errno.EAGAIN);
      assertThat(errnoOf(() -> fs.mkdir("/a/e"))).isEqualTo(Errno.EAGAIN);
      fs.rmdir("/a/b/c");
      fs.mkdir("/a/e");
    }

    @Test
    void maxFilesTakeMaxOrANumber() {
      fs.write("/a/cgroup.max.descendants", "7");
      assertThat(fs.read("/a/cgroup.max.descendants")).isEqualTo("7\n");
      fs.write("/a/cgroup.max.descendants", "max");
      assertThat(fs.read("/a/cgroup.max.descendants")).isEqualTo("max\n");
      assertRefused(Errno.EINVAL, "/a/cgroup.max.depth", "abc");
      assertRefused(Errno.EINVAL, "/a/cgroup.max.depth", "1.5");
    }

    @Test
    void rmdirIsRefusedWhileTasksOrChildrenAndForTheRoot() {
      fs.mkdir("/a/b");
      assertThat(errnoOf(() -> fs.rmdir("/a"))).isEqualTo(Errno.EBUSY);
      Task t = spawn("/a/b");
      assertThat(errnoOf(() -> fs.rmdir("/a/b"))).isEqualTo(Errno.EBUSY);
      assertThat(errnoOf(() -> fs.rmdir("/"))).isEqualTo(Errno.EBUSY);
      assertThat(errnoOf(() -> fs.rmdir("/nope"))).isEqualTo(Errno.ENOENT);
      tasks.exit(t.pid());
      fs.rmdir("/a/b");
      fs.rmdir("/a");
      assertThat(errnoOf(() -> fs.stat("/a"))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void aRemovedCgroupWithChargesIsDyingAndItsChargeIsNeitherLostNorDoubleCounted() {
      fs.mkdir("/a/b");
      DrmFile f = client("/a/b");
      int h = f.createGem(4 * M, "local1");
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(4 * M);
      tasks.move(f.task().pid(), CgroupPath.parse("/a"));
      fs.rmdir("/a/b");
      assertThat(errnoOf(() -> fs.stat("/a/b"))).isEqualTo(Errno.ENOENT);
      assertThat(flatValue("/a/cgroup.stat", "nr_dying_descendants")).isEqualTo(1);
      assertThat(flatValue("/cgroup.stat", "nr_dying_descendants")).isEqualTo(1);
      assertThat(flatValue("/a/cgroup.stat", "nr_descendants")).isZero();
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(4 * M);
      assertThat(value(mem("/", TILE, "current"))).isEqualTo(4 * M);
      f.closeHandle(h);
      assertThat(value(mem("/a", TILE, "current"))).isZero();
      assertThat(value(mem("/", TILE, "current"))).isZero();
      assertThat(flatValue("/cgroup.stat", "nr_dying_descendants")).isZero();
      fs.mkdir("/a/b"); // the name is free again
    }

    @Test
    void cgroupStatCountsAllDescendants() {
      fs.mkdir("/a/b");
      fs.mkdir("/a/b/c");
      fs.mkdir("/a/d");
      assertThat(flatValue("/a/cgroup.stat", "nr_descendants")).isEqualTo(3);
      assertThat(flatValue("/a/cgroup.stat", "nr_dying_descendants")).isZero();
      assertThat(flatValue("/cgroup.stat", "nr_descendants")).isEqualTo(4);
    }

    @Test
    void procsListsOwnTasksOneALine() {
      fs.mkdir("/a/b");
      Task t1 = spawn("/a/b");
      Task t2 = spawn("/a/b");
      assertThat(fs.read("/a/b/cgroup.procs")).isEqualTo(t1.pid() + "\n" + t2.pid() + "\n");
      assertThat(fs.read("/a/cgroup.procs")).isEmpty(); // own tasks only
    }

    @Test
    void writingAPidMovesIt() {
      fs.mkdir("/b");
      Task t = spawn("/a");
      fs.write("/b/cgroup.procs", Integer.toString(t.pid()));
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/b"));
      assertThat(fs.read("/b/cgroup.procs")).isEqualTo(t.pid() + "\n");
      assertThat(fs.read("/a/cgroup.procs")).isEmpty();
      fs.write("/a/cgroup.procs", " " + t.pid() + "\n");
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/a"));
    }

    @Test
    void writingZeroMovesTheWriter() {
      fs.mkdir("/b");
      Task t = spawn("/a");
      try (OpenFile procs = fs.open("/b/cgroup.procs", OpenOptions.WRITE.withCaller(t.pid()))) {
        procs.write("0");
      }
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/b"));
      // a writer that is no modelled task has nothing to move
      Errno e = errnoOf(() -> fs.write("/a/cgroup.procs", "0"));
      assertThat(e).isEqualTo(Errno.ESRCH);
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1.5", "12x", " ", "1 2", "99999999999999999999", "-0x1", "\u17e1", "1\n2"})
    void garbageOrNegativePidsAreEinval(String value) {
      assertThat(errnoOf(() -> fs.write("/a/cgroup.procs", value))).isEqualTo(Errno.EINVAL);
    }

    @Test
    void anUnknownPidIsEsrch() {
      assertThat(errnoOf(() -> fs.write("/a/cgroup.procs", "999999"))).isEqualTo(Errno.ESRCH);
      Task t = spawn("/");
      tasks.exit(t.pid());
      assertThat(errnoOf(() -> fs.write("/a/cgroup.procs", Integer.toString(t.pid())))).isEqualTo(Errno.ESRCH);
    }

    @Test
    void noInternalProcessesInACgroupWithControllersEnabled() {
      fs.mkdir("/a/b");
      fs.write("/a/cgroup.subtree_control", "+memory");
      Task t = spawn("/a/b");
      assertThat(errnoOf(() -> fs.write("/a/cgroup.procs", Integer.toString(t.pid())))).isEqualTo(Errno.EBUSY);
      assertThat(errnoOf(() -> tasks.spawn("x", CgroupPath.parse("/a")))).isEqualTo(Errno.EBUSY);
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/a/b"));
      // the root is exempt
      fs.write("/cgroup.procs", Integer.toString(t.pid()));
      assertThat(t.cgroup()).isEqualTo(CgroupPath.root());
    }

    @Test
    void theRuleAppliesToCpuAndCpusetToo() {
      // SEMANTICS §2: no threaded mode, cpu and cpuset are domain controllers
      fs.mkdir("/a/b");
      fs.write("/a/cgroup.subtree_control", "+cpu");
      Task t = spawn("/a/b");
      assertThat(errnoOf(() -> fs.write("/a/cgroup.procs", Integer.toString(t.pid())))).isEqualTo(Errno.EBUSY);
      fs.write("/a/cgroup.subtree_control", "-cpu +cpuset");
      assertThat(errnoOf(() -> fs.write("/a/cgroup.procs", Integer.toString(t.pid())))).isEqualTo(Errno.EBUSY);
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/a/b"));
    }

    @Test
    void aMoveThatACpusetRefusesIsEnospcAndChangesNothing() {
      // /p takes engines 1-2 as a partition; /p/q takes them all again: /p/m is left with nothing
      fs.mkdir("/p");
      fs.write(cpuset("/p", "cpus"), "1-2");
      fs.write(cpuset("/p", "cpus.partition"), "root");
      fs.write("/p/cgroup.subtree_control", "+cpuset");
      fs.mkdir("/p/q");
      fs.mkdir("/p/m");
      fs.write(cpuset("/p/q", "cpus"), "1-2");
      fs.write(cpuset("/p/q", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/p/q", "cpus.partition"))).isEqualTo("root\n");
      assertThat(fs.read(cpuset("/p/m", "cpus.effective"))).isEqualTo("\n");
      Task t = spawn("/a");
      assertThat(errnoOf(() -> fs.write("/p/m/cgroup.procs", Integer.toString(t.pid())))).isEqualTo(Errno.ENOSPC);
      assertThat(t.cgroup()).isEqualTo(CgroupPath.parse("/a"));
      assertThat(fs.read("/p/m/cgroup.procs")).isEmpty();
    }

    @Test
    void controllersListsAllAtTheRootElseWhatTheParentEnables() {
      assertThat(fs.read("/cgroup.controllers")).isEqualTo("cpu cpuset dmem memory\n");
      fs.write("/cgroup.subtree_control", "-cpu");
      assertThat(fs.read("/a/cgroup.controllers")).isEqualTo("cpuset memory\n");
      fs.mkdir("/a/b");
      assertThat(fs.read("/a/b/cgroup.controllers")).isEmpty();
      fs.write("/a/cgroup.subtree_control", "+memory");
      assertThat(fs.read("/a/b/cgroup.controllers")).isEqualTo("memory\n");
      assertThat(fs.stat("/a/cgroup.controllers").writable()).isFalse();
    }

    @Test
    void subtreeControlListsTheEnabledOnesAndTheLastTokenWins() {
      assertThat(fs.read("/cgroup.subtree_control")).isEqualTo("cpu cpuset memory\n");
      fs.write("/a/cgroup.subtree_control", "+memory -memory");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEmpty();
      fs.write("/a/cgroup.subtree_control", "-memory +memory +cpu");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEqualTo("cpu memory\n");
      fs.write("/a/cgroup.subtree_control", "  -cpu  ");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEqualTo("memory\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+memory +bogus", "+memory cpu", "+", "*memory"})
    void subtreeControlIsParsedCompletelyBeforeAnythingChanges(String value) {
      assertRefused(Errno.EINVAL, "/a/cgroup.subtree_control", value);
      assertThat(fs.read("/a/cgroup.subtree_control")).isEmpty();
    }

    @Test
    void aKnownControllerNotInCgroupControllersIsEnoent() {
      fs.write("/cgroup.subtree_control", "-cpu");
      assertRefused(Errno.ENOENT, "/a/cgroup.subtree_control", "+memory +cpu");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEmpty();
    }

    @Test
    void enablingInACgroupWithTasksIsEbusy() {
      Task t = spawn("/a");
      assertRefused(Errno.EBUSY, "/a/cgroup.subtree_control", "+memory");
      tasks.exit(t.pid());
      fs.write("/a/cgroup.subtree_control", "+memory");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEqualTo("memory\n");
    }

    @Test
    void disablingWhatAChildStillEnablesIsEbusy() {
      fs.mkdir("/a/b");
      fs.write("/a/cgroup.subtree_control", "+memory");
      assertRefused(Errno.EBUSY, "/cgroup.subtree_control", "-memory");
      assertRefused(Errno.EBUSY, "/cgroup.subtree_control", "-cpu -memory");
      assertThat(fs.read("/cgroup.subtree_control")).isEqualTo("cpu cpuset memory\n");
    }

    @Test
    void enablingGivesChildrenTheFilesAndDisablingTakesThemAway() {
      fs.mkdir("/a/b");
      assertThat(errnoOf(() -> fs.stat("/a/b/memory.devices"))).isEqualTo(Errno.ENOENT);
      fs.write("/a/cgroup.subtree_control", "+memory");
      assertThat(fs.stat("/a/b/memory.devices").isDirectory()).isTrue();
      assertThat(fs.read(mem("/a/b", TILE, "max"))).isEqualTo("max\n");
      fs.write("/cgroup.subtree_control", "+dmem");
      fs.write("/a/cgroup.subtree_control", "+dmem");
      assertThat(fs.read("/a/b/dmem.max")).contains(DMEM1 + " max");
      fs.write("/a/cgroup.subtree_control", "-memory -dmem");
      assertThat(errnoOf(() -> fs.stat("/a/b/memory.devices"))).isEqualTo(Errno.ENOENT);
      assertThat(errnoOf(() -> fs.stat("/a/b/dmem.max"))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void eventsShowPopulatedForTheCgroupAndItsAncestorsAndNotify() {
      fs.mkdir("/a/b");
      List<CgroupPath> notified = new CopyOnWriteArrayList<>();
      try (AutoCloseable watch = cg.onEvents(notified::add)) {
        Task t = spawn("/a/b");
        assertThat(fs.read("/a/b/cgroup.events")).isEqualTo("populated 1\nfrozen 0\n");
        assertThat(flatValue("/a/cgroup.events", "populated")).isEqualTo(1);
        assertThat(errnoOf(() -> fs.read("/cgroup.events"))).isEqualTo(Errno.ENOENT); // not on the root, as in the kernel
        assertThat(notified).contains(CgroupPath.parse("/a/b"), CgroupPath.parse("/a"));
        notified.clear();
        tasks.exit(t.pid());
        assertThat(flatValue("/a/b/cgroup.events", "populated")).isZero();
        assertThat(flatValue("/a/cgroup.events", "populated")).isZero();
        assertThat(notified).contains(CgroupPath.parse("/a/b"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    @Test
    void subtreeControlTokensAreSeparatedBySpaces() {
      // the kernel splits at ' ' only (strsep), after stripping: a tab between tokens is one bad token
      assertThat(errnoOf(() -> fs.write("/a/cgroup.subtree_control", "+memory\t+cpu"))).isEqualTo(Errno.EINVAL);
      fs.write("/a/cgroup.subtree_control", "\t+memory  +cpu\n");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEqualTo("cpu memory\n");
      fs.write("/a/cgroup.subtree_control", "-memory  -cpu");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEmpty();
    }

    @Test
    void disablingWhatIsNotEnabledOrEnablingTwiceIsANoOp() {
      fs.write("/a/cgroup.subtree_control", "-memory");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEmpty();
      fs.write("/a/cgroup.subtree_control", "+memory +memory");
      fs.write("/a/cgroup.subtree_control", "+memory");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEqualTo("memory\n");
      // the kernel checks availability for '-' tokens too, but only of what is enabled
      fs.write("/cgroup.subtree_control", "-cpu");
      fs.write("/a/cgroup.subtree_control", "-cpu");
      assertThat(fs.read("/a/cgroup.subtree_control")).isEqualTo("memory\n");
    }

    @Test
    void theRootMayHoldTasksAndEnableControllers() {
      Task t = spawn("/");
      fs.write("/cgroup.subtree_control", "-memory");
      fs.write("/cgroup.subtree_control", "+memory");
      assertThat(fs.read("/cgroup.procs")).contains(t.pid() + "\n");
    }

    @Test
    void aCgroupWithOnlyDyingChildrenCanBeRemoved() {
      fs.write("/a/cgroup.subtree_control", "+memory");
      fs.mkdir("/a/b");
      fs.mkdir("/x");
      DrmFile f = client("/a/b");
      int h = f.createGem(M, "local1");
      tasks.move(f.task().pid(), CgroupPath.parse("/x"));
      fs.rmdir("/a/b");
      fs.mkdir("/a/b"); // a dying cgroup's name is free at once, as in the kernel
      fs.rmdir("/a/b");
      fs.rmdir("/a");
      assertThat(flatValue("/cgroup.stat", "nr_dying_descendants")).isEqualTo(2);
      assertThat(value(mem("/", TILE, "current"))).isEqualTo(M);
      f.closeHandle(h);
      assertThat(flatValue("/cgroup.stat", "nr_dying_descendants")).isZero();
      assertThat(value(mem("/", TILE, "current"))).isZero();
    }

    @Test
    void maxDepthZeroAtTheRootForbidsEveryMkdir() {
      fs.write("/cgroup.max.depth", "1");
      assertThat(errnoOf(() -> fs.mkdir("/a/b"))).isEqualTo(Errno.EAGAIN);
      fs.mkdir("/b");
      fs.write("/cgroup.max.descendants", "2");
      assertThat(errnoOf(() -> fs.mkdir("/c"))).isEqualTo(Errno.EAGAIN);
    }

    @Test
    void filesOfARemovedCgroupAreGoneForOpenHandles() {
      fs.mkdir("/a/b");
      try (OpenFile h = fs.open("/a/b/cgroup.procs", OpenOptions.READ_WRITE)) {
        fs.rmdir("/a/b");
        assertThat(errnoOf(h::read)).isEqualTo(Errno.ENODEV);
        assertThat(errnoOf(() -> h.write("0"))).isEqualTo(Errno.ENODEV);
      }
    }

    @Test
    void aWriteOver4096BytesIsE2bigForCoreFilesToo() {
      Task t = spawn("/");
      String big = t.pid() + " ".repeat(4096);
      assertThat(errnoOf(() -> fs.write("/a/cgroup.procs", big))).isEqualTo(Errno.E2BIG);
      assertThat(t.cgroup()).isEqualTo(CgroupPath.root());
      assertRefused(Errno.E2BIG, "/a/cgroup.max.depth", "5" + " ".repeat(4096));
    }

    @Test
    void movingATaskToItsOwnCgroupIsANoOp() {
      Task t = spawn("/a");
      fs.write("/a/cgroup.procs", Integer.toString(t.pid()));
      assertThat(fs.read("/a/cgroup.procs")).isEqualTo(t.pid() + "\n");
    }

    @Test
    void aDyingChildDoesNotKeepTheParentPopulated() {
      fs.write("/a/cgroup.subtree_control", "+memory");
      fs.mkdir("/a/b");
      DrmFile f = client("/a/b");
      f.createGem(M, "local1");
      tasks.move(f.task().pid(), CgroupPath.root());
      fs.rmdir("/a/b");
      assertThat(flatValue("/a/cgroup.events", "populated")).isZero();
    }

    @Test
    void aMoveUpdatesPopulatedOnBothSides() {
      fs.mkdir("/b");
      Task t = spawn("/a");
      tasks.move(t.pid(), CgroupPath.parse("/b"));
      assertThat(flatValue("/a/cgroup.events", "populated")).isZero();
      assertThat(flatValue("/b/cgroup.events", "populated")).isEqualTo(1);
    }
  }

  // ------------------------------------------------------------------ §3

  @Nested
  class S3PerDeviceStates {
    @Test
    void everyRegistrationHasAFolderPerController() {
      assertThat(fs.list("/a/memory.devices").stream().map(FsEntry::name)).containsExactly(DEV, TILE);
      // tile 1 offers memory only (docs/CHARGING_POLICY.md)
      assertThat(fs.list("/a/cpu.devices").stream().map(FsEntry::name)).containsExactly(DEV);
      assertThat(fs.list("/a/cpuset.devices").stream().map(FsEntry::name)).containsExactly(DEV);
    }

    @Test
    void newCgroupsGetStatesForAllRegisteredDevices() {
      fs.mkdir("/a/b");
      fs.write("/a/cgroup.subtree_control", "+memory +cpu");
      fs.mkdir("/a/c");
      for (String c : List.of("/a/b", "/a/c")) {
        assertThat(fs.read(mem(c, TILE, "max"))).isEqualTo("max\n");
        assertThat(fs.read(mem(c, DEV, "max"))).isEqualTo("max\n");
        assertThat(fs.read(cpu(c, "weight"))).isEqualTo("100\n");
      }
    }

    @Test
    void deviceFilesArePresentOnlyWhereTheControllersFilesAre() {
      fs.mkdir("/a/b");
      assertThat(errnoOf(() -> fs.stat("/a/b/cpu.devices"))).isEqualTo(Errno.ENOENT);
      assertThat(errnoOf(() -> fs.read(cpu("/a/b", "weight")))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void theRootShowsUsageAndCapacityNeverLimits() {
      assertThat(fs.read(mem("/", TILE, "capacity"))).isEqualTo((1L << 30) + "\n");
      assertThat(fs.read(mem("/", TILE, "current"))).isEqualTo("0\n");
      for (String f : List.of("max", "high", "min", "low")) {
        assertThat(errnoOf(() -> fs.stat(mem("/", TILE, f)))).as(f).isEqualTo(Errno.ENOENT);
        assertThat(errnoOf(() -> fs.stat("/dmem." + f))).as(f).isEqualTo(Errno.ENOENT);
      }
      for (String f : List.of("weight", "weight.nice", "max", "max.burst")) {
        assertThat(errnoOf(() -> fs.stat(cpu("/", f)))).as(f).isEqualTo(Errno.ENOENT);
      }
      assertThat(errnoOf(() -> fs.stat(cpuset("/", "cpus")))).isEqualTo(Errno.ENOENT);
      assertThat(errnoOf(() -> fs.stat(mem("/a", TILE, "capacity")))).isEqualTo(Errno.ENOENT);
    }

    @Test
    void eachRegistrationIsMeteredOnItsOwn() {
      DrmFile f = client("/a");
      f.createGem(2 * M, "local1");
      f.createGem(3 * M, "local0");
      f.createGem(5 * M, "system0"); // host memory: never charged (docs/CHARGING_POLICY.md)
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(2 * M);
      assertThat(value(mem("/a", DEV, "current"))).isEqualTo(3 * M);
      fs.write("/cgroup.subtree_control", "+dmem");
      assertThat(fs.read("/a/dmem.current")).isEqualTo(DMEM0 + " " + 3 * M + "\n" + DMEM1 + " " + 2 * M + "\n");
    }
  }

  // ------------------------------------------------------------------ §4

  @Nested
  class S4Memory {
    @BeforeEach
    void children() {
      fs.write("/a/cgroup.subtree_control", "+memory");
      fs.mkdir("/a/b");
    }

    @Test
    void currentIsHierarchical() {
      DrmFile f = client("/a/b");
      int h = f.createGem(4 * M, "local1");
      assertThat(value(mem("/a/b", TILE, "current"))).isEqualTo(4 * M);
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(4 * M);
      assertThat(value(mem("/", TILE, "current"))).isEqualTo(4 * M);
      f.closeHandle(h);
      assertThat(value(mem("/a", TILE, "current"))).isZero();
    }

    @Test
    void aChargeThatPassesAnAncestorsMaxCountsMaxThereAndReclaimsItsSubtree() {
      fs.write(mem("/a", TILE, "max"), "4M");
      DrmFile f = client("/a/b");
      int old = f.createGem(3 * M, "local1");
      // the idle 3M object is evicted to system0, as swap (docs/CHARGING_POLICY.md "Eviction"), so this fits
      int fresh = f.createGem(2 * M, "local1");
      assertThat(f.object(fresh).region()).isEqualTo("local1");
      assertThat(f.object(old).region()).isEqualTo("system0");
      assertThat(flatValue(mem("/a", TILE, "events.local"), "max")).isPositive();
      assertThat(flatValue(mem("/a/b", TILE, "events.local"), "max")).isZero();
      assertThat(flatValue(mem("/a", TILE, "events.local"), "oom")).isZero();
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(2 * M);
      assertThat(value(mem("/a/b", TILE, "swap.current"))).isEqualTo(3 * M);
      assertThat(value(mem("/a", TILE, "swap.current"))).isEqualTo(3 * M);
      assertThat(value(mem("/a/b", DEV, "current"))).isZero();
      assertThat(flatValue(mem("/a", TILE, "stat"), "evicted")).isEqualTo(3 * M);
    }

    @Test
    void aChargeThatCannotBeReclaimedFailsWithEnospcAndOom() {
      fs.write(mem("/a", TILE, "max"), "4M");
      DrmFile f = client("/a/b");
      int h = f.createGem(3 * M, "local1");
      gpu.submit(f, "render", 1_000_000_000L, h); // active: not evictable
      assertThat(errnoOf(() -> f.createGem(2 * M, "local1"))).isEqualTo(Errno.ENOSPC);
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(3 * M);
      assertThat(flatValue(mem("/a", TILE, "events.local"), "max")).isPositive();
      assertThat(flatValue(mem("/a", TILE, "events.local"), "oom")).isEqualTo(1);
      assertThat(flatValue(mem("/a", TILE, "events.local"), "oom_kill")).isZero(); // docs/MEMORY.md
      // hierarchical events: the parent's memory.events sums its subtree, events.local does not
      assertThat(flatValue(mem("/", TILE, "events"), "oom")).isEqualTo(1);
      assertThat(flatValue(mem("/", TILE, "events.local"), "oom")).isZero();
      assertThat(flatValue(mem("/a/b", TILE, "events"), "oom")).isZero();
    }

    @Test
    void eventsAreHierarchicalAndEventsLocalAreNot() {
      fs.write(mem("/a/b", TILE, "max"), "1M");
      DrmFile f = client("/a/b");
      int h = f.createGem(1 * M, "local1");
      gpu.submit(f, "render", 1_000_000_000L, h);
      assertThat(errnoOf(() -> f.createGem(1 * M, "local1"))).isEqualTo(Errno.ENOSPC);
      long localMax = flatValue(mem("/a/b", TILE, "events.local"), "max");
      assertThat(localMax).isPositive();
      assertThat(flatValue(mem("/a/b", TILE, "events"), "max")).isEqualTo(localMax);
      assertThat(flatValue(mem("/a", TILE, "events"), "max")).isEqualTo(localMax);
      assertThat(flatValue(mem("/a", TILE, "events.local"), "max")).isZero();
      assertThat(flatValue(mem("/a", TILE, "events"), "oom")).isEqualTo(1);
    }

    @Test
    void maxWriteStoresFirstThenReclaimsTowardIt() {
      DrmFile f = client("/a/b");
      for (int i = 0; i < 4; i++) {
        f.createGem(1 * M, "local1", "system0");
      }
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(4 * M);
      fs.write(mem("/a", TILE, "max"), "2M");
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo(2 * M + "\n");
      assertThat(value(mem("/a", TILE, "current"))).isLessThanOrEqualTo(2 * M);
    }

    @Test
    void maxWriteSucceedsEvenWhenUsageStaysAbove() {
      DrmFile f = client("/a/b");
      int h = f.createGem(4 * M, "local1");
      gpu.submit(f, "render", 1_000_000_000L, h); // active: cannot be evicted
      fs.write(mem("/a", TILE, "max"), "1M");
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo(M + "\n");
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(4 * M);
      // docs/MEMORY.md "Limit writes": an oom event is counted then
      assertThat(flatValue(mem("/a", TILE, "events.local"), "oom")).isEqualTo(1);
      // and racing charges already see the new limit
      assertThat(errnoOf(() -> f.createGem(M, "local1"))).isEqualTo(Errno.ENOSPC);
    }

    @Test
    void aNonBlockingHandleSkipsTheReclaim() {
      DrmFile f = client("/a/b");
      for (int i = 0; i < 4; i++) {
        f.createGem(1 * M, "local1", "system0");
      }
      try (OpenFile h = fs.open(mem("/a", TILE, "max"), OpenOptions.WRITE.withNonBlocking())) {
        h.write("2M");
      }
      assertThat(fs.read(mem("/a", TILE, "max"))).isEqualTo(2 * M + "\n");
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(4 * M);
      assertThat(flatValue(mem("/a", TILE, "stat"), "evicted")).isZero();
    }

    @Test
    void highIsASoftLimitThatCountsHighEvents() {
      fs.write(mem("/a", TILE, "high"), "2M");
      DrmFile f = client("/a/b");
      int h1 = f.createGem(2 * M, "local1");
      int h2 = f.createGem(2 * M, "local1");
      gpu.submit(f, "render", 1_000_000_000L, h1, h2);
      int h3 = f.createGem(1 * M, "local1"); // over high: succeeds
      assertThat(f.object(h3).region()).isEqualTo("local1");
      assertThat(flatValue(mem("/a", TILE, "events.local"), "high")).isPositive();
      assertThat(flatValue(mem("/a", TILE, "events.local"), "max")).isZero();
      assertThat(flatValue(mem("/a", TILE, "events.local"), "oom")).isZero();
    }

    @Test
    void minAndLowReadBackAndRoundToPages() {
      fs.write(mem("/a/b", TILE, "min"), "10000");
      fs.write(mem("/a/b", TILE, "low"), "1G");
      assertThat(fs.read(mem("/a/b", TILE, "min"))).isEqualTo("8192\n");
      assertThat(fs.read(mem("/a/b", TILE, "low"))).isEqualTo((1L << 30) + "\n");
      fs.write(mem("/a/b", TILE, "min"), "max");
      assertThat(fs.read(mem("/a/b", TILE, "min"))).isEqualTo("max\n");
    }

    /**
     * /a/b protected by 4M of {@code protection} and an unprotected sibling /a/c each fill 4M of local1
     * (evictable to system0), then /a's max drops to 4M: the protected child keeps all, the other loses all.
     */
    void protectedAndUnprotectedSiblingsUnderA4MMax(String protection) {
      fs.mkdir("/a/c");
      fs.write(mem("/a/b", TILE, protection), "4M");
      DrmFile fb = client("/a/b");
      DrmFile fc = client("/a/c");
      for (int i = 0; i < 4; i++) {
        fb.createGem(M, "local1", "system0");
        fc.createGem(M, "local1", "system0");
      }
      // the scope (/a) ignores its own protection; its children get their settings as they are
      fs.write(mem("/a", TILE, "max"), "4M");
      assertThat(value(mem("/a/b", TILE, "current"))).isEqualTo(4 * M);
      assertThat(value(mem("/a/c", TILE, "current"))).isZero();
    }

    @Test
    void memoryBelowEffectiveMinIsNotReclaimed() {
      protectedAndUnprotectedSiblingsUnderA4MMax("min");
    }

    @Test
    void memoryBelowEffectiveLowGoesOnlyWhenNothingUnprotectedIsLeft() {
      protectedAndUnprotectedSiblingsUnderA4MMax("low");
      assertThat(flatValue(mem("/a/b", TILE, "events.local"), "low")).isZero();
      fs.write(mem("/a", TILE, "max"), "2M");
      assertThat(value(mem("/a/b", TILE, "current"))).isLessThanOrEqualTo(2 * M);
      assertThat(flatValue(mem("/a/b", TILE, "events.local"), "low")).isPositive();
    }

    /** A client of /a/b whose local1 usage went up to 4M and is 1M now. */
    DrmFile peakedAt4MNowAt1M() {
      DrmFile f = client("/a/b");
      int h1 = f.createGem(3 * M, "local1");
      f.createGem(1 * M, "local1");
      f.closeHandle(h1);
      return f;
    }

    @Test
    void peakIsTheAllTimeHighest() {
      peakedAt4MNowAt1M();
      assertThat(value(mem("/a/b", TILE, "current"))).isEqualTo(M);
      assertThat(value(mem("/a/b", TILE, "peak"))).isEqualTo(4 * M);
      assertThat(value(mem("/a", TILE, "peak"))).isEqualTo(4 * M);
    }

    @Test
    void peakResetIsPerHandle() {
      DrmFile f = peakedAt4MNowAt1M();
      try (OpenFile reset = fs.open(mem("/a/b", TILE, "peak"), OpenOptions.READ_WRITE);
          OpenFile other = fs.open(mem("/a/b", TILE, "peak"), OpenOptions.READ)) {
        reset.write("reset");
        assertThat(reset.read()).isEqualTo(M + "\n");
        assertThat(other.read()).isEqualTo(4 * M + "\n");
        assertThat(fs.read(mem("/a/b", TILE, "peak"))).isEqualTo(4 * M + "\n");
        int h2 = f.createGem(2 * M, "local1");
        assertThat(reset.read()).isEqualTo(3 * M + "\n");
        f.closeHandle(h2);
        assertThat(reset.read()).isEqualTo(3 * M + "\n");
        assertThat(other.read()).isEqualTo(4 * M + "\n");
      }
    }

    @Test
    void peakResetWithAnyStringWorksOnEveryRegistration() {
      DrmFile f = client("/a/b");
      int h = f.createGem(2 * M, "local0");
      f.closeHandle(h);
      try (OpenFile reset = fs.open(mem("/a/b", DEV, "peak"), OpenOptions.READ_WRITE)) {
        assertThat(reset.read()).isEqualTo(2 * M + "\n");
        reset.write("1");
        assertThat(reset.read()).isEqualTo("0\n");
      }
    }

    @Test
    void anEmptyWriteDoesNotResetThePeak() {
      DrmFile f = client("/a/b");
      int h = f.createGem(2 * M, "local1");
      f.closeHandle(h);
      try (OpenFile reset = fs.open(mem("/a/b", TILE, "peak"), OpenOptions.READ_WRITE)) {
        reset.write(""); // SEMANTICS §4: only a non-empty string resets
        assertThat(reset.read()).isEqualTo(2 * M + "\n");
        reset.write("reset\n");
        assertThat(reset.read()).isEqualTo("0\n");
      }
    }

    @Test
    void aPeakHandleOpenedForWritingOnlyCannotRead() {
      try (OpenFile w = fs.open(mem("/a/b", TILE, "peak"), OpenOptions.WRITE)) {
        w.write("x");
        assertThat(errnoOf(w::read)).isEqualTo(Errno.EBADF);
      }
    }

    @Test
    void aRegionLineIsEinvalInEveryMemcgFile() {
      // docs/MEMORY.md: keyed per-region syntax lives only in dmem.*
      assertRefused(Errno.EINVAL, mem("/a/b", DEV, "max"), "local0 1G");
      assertRefused(Errno.EINVAL, mem("/a/b", DEV, "low"), "local0 1G");
      assertRefused(Errno.EINVAL, mem("/a/b", TILE, "swap.max"), "local1 1G");
    }

    @Test
    void theTryLimitIsHitAtTheLimitingAncestorNotTheChargingChild() {
      fs.write(mem("/a", TILE, "max"), "2M");
      fs.write(mem("/a/b", TILE, "max"), "8M");
      DrmFile f = client("/a/b");
      int h = f.createGem(2 * M, "local1");
      gpu.submit(f, "render", 1_000_000_000L, h);
      assertThat(errnoOf(() -> f.createGem(M, "local1"))).isEqualTo(Errno.ENOSPC);
      assertThat(flatValue(mem("/a", TILE, "events.local"), "oom")).isEqualTo(1);
      assertThat(flatValue(mem("/a/b", TILE, "events.local"), "oom")).isZero();
      assertThat(flatValue(mem("/a/b", TILE, "events.local"), "max")).isZero();
      assertThat(flatValue(mem("/a/b", TILE, "stat"), "failed_charges")).isEqualTo(1);
      assertThat(value(mem("/a/b", TILE, "current"))).isEqualTo(2 * M);
    }

    @Test
    void statIsFlatKeyedForOneRegion() {
      DrmFile f = client("/a/b");
      f.createGem(2 * M, "local1");
      Map<String, String> stat = flat(mem("/a/b", TILE, "stat"));
      assertThat(stat).containsKeys("charged", "peak", "failcnt", "failed_charges", "evicted", "evictions");
      assertThat(Long.parseLong(stat.get("charged"))).isEqualTo(2 * M);
    }

    @Test
    void unchargingNeverGoesNegativeAndClosingAllFreesAll() {
      DrmFile f = client("/a/b");
      int h = f.createGem(2 * M, "local1");
      DmaBuf buf = f.exportPrime(h);
      fs.mkdir("/a/c");
      DrmFile g = client("/a/c");
      int gh = g.importPrime(buf);
      buf.close();
      f.closeHandle(h);
      assertThat(value(mem("/a/b", TILE, "current"))).isEqualTo(2 * M); // g still refers to it
      assertThat(value(mem("/a", TILE, "current"))).isEqualTo(2 * M); // not charged twice
      g.closeHandle(gh);
      assertThat(value(mem("/a/b", TILE, "current"))).isZero();
      assertThat(value(mem("/", TILE, "current"))).isZero();
    }
  }

  // ------------------------------------------------------------------ §6

  @Nested
  class S6Cpu {
    @Test
    void weightRangeAndDefault() {
      assertThat(fs.read(cpu("/a", "weight"))).isEqualTo("100\n");
      fs.write(cpu("/a", "weight"), "1");
      assertThat(fs.read(cpu("/a", "weight"))).isEqualTo("1\n");
      fs.write(cpu("/a", "weight"), "10000");
      assertThat(fs.read(cpu("/a", "weight"))).isEqualTo("10000\n");
    }

    @ParameterizedTest
    // a blank value is EINVAL; an empty write (0 bytes) is a no-op success, as write(2) of nothing is
    @CsvSource({"weight, abc, EINVAL", "weight, 1.5, EINVAL", "weight, ' ', EINVAL", "weight, -5, EINVAL",
        "weight.nice, abc, EINVAL", "weight.nice, 1.5, EINVAL", "weight.nice, ' ', EINVAL", "weight, \u0665, EINVAL"})
    void weightAndNiceGarbageIsEinvalAndNegativeWeightsErange(String name, String value, Errno errno) {
      assertRefused(errno, cpu("/a", name), value);
    }

    @ParameterizedTest
    // kernel: weight = DIV_ROUND_CLOSEST(sched_prio_to_weight[nice + 20] * 100, 1024)
    @CsvSource({"0,100", "-20,8668", "19,1", "5,33", "-1,125", "1,80", "-10,932", "10,11"})
    void niceMapsToTheKernelsWeight(int nice, int weight) {
      fs.write(cpu("/a", "weight.nice"), Integer.toString(nice));
      assertThat(value(cpu("/a", "weight"))).isEqualTo(weight);
      assertThat(value(cpu("/a", "weight.nice"))).isEqualTo(nice);
    }

    @ParameterizedTest
    @CsvSource({"100,0", "1,19", "10000,-20", "8668,-20", "125,-1", "80,1"})
    void weightReadsBackAsTheClosestNice(int weight, int nice) {
      fs.write(cpu("/a", "weight"), Integer.toString(weight));
      assertThat(value(cpu("/a", "weight.nice"))).isEqualTo(nice);
    }

    @Test
    void cpuMaxForms() {
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("max 100000\n");
      fs.write(cpu("/a", "max"), "50000 200000");
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("50000 200000\n");
      fs.write(cpu("/a", "max"), "20000");
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("20000 200000\n");
      fs.write(cpu("/a", "max"), "max");
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("max 200000\n");
      fs.write(cpu("/a", "max"), "max 1000000");
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("max 1000000\n");
      fs.write(cpu("/a", "max"), "1000 1000");
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("1000 1000\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1 100000", "1.5 100000", " ", "0 100000", "50000\u2003100000",
        "\u0665\u0660000 100000"})
    void badCpuMaxIsEinvalAndChangesNothing(String value) {
      fs.write(cpu("/a", "max"), "50000 100000");
      assertRefused(Errno.EINVAL, cpu("/a", "max"), value);
    }

    /** cpu_period_quota_parse's sscanf("%20s %llu"): a period that is not digits is not read, the rest is ignored. */
    @ParameterizedTest
    @CsvSource({"'50000 abc', '50000 200000'", "'50000 100000 1', '50000 100000'", "'50000 -100000', '50000 200000'",
        "'max max', 'max 200000'"})
    void cpuMaxTakesWhatSscanfReads(String value, String expected) {
      fs.write(cpu("/a", "max"), "40000 200000");
      fs.write(cpu("/a", "max"), value);
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo(expected + "\n");
    }

    @Test
    void burstIsAtMostTheQuota() {
      assertThat(fs.read(cpu("/a", "max.burst"))).isEqualTo("0\n");
      fs.write(cpu("/a", "max"), "50000 100000");
      fs.write(cpu("/a", "max.burst"), "50000");
      assertThat(fs.read(cpu("/a", "max.burst"))).isEqualTo("50000\n");
      assertRefused(Errno.EINVAL, cpu("/a", "max.burst"), "50001");
      assertRefused(Errno.EINVAL, cpu("/a", "max.burst"), "abc");
      // docs/CPU.md: a quota below the current burst is EINVAL, as in the kernel
      assertRefused(Errno.EINVAL, cpu("/a", "max"), "40000 100000");
    }

    @Test
    void quotaLimitsFollowTheKernel() {
      // docs/CPU.md: quota 1000..2^44-1
      fs.write(cpu("/a", "max"), "17592186044415 100000");
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("17592186044415 100000\n");
      assertRefused(Errno.EINVAL, cpu("/a", "max"), "17592186044416 100000");
      assertRefused(Errno.EINVAL, cpu("/a", "max"), "99999999999999999999999 100000");
    }

    @Test
    void burstWithoutAQuotaIsCheckedWhenAQuotaIsSet() {
      fs.write(cpu("/a", "max.burst"), "70000");
      assertThat(fs.read(cpu("/a", "max.burst"))).isEqualTo("70000\n");
      assertRefused(Errno.EINVAL, cpu("/a", "max"), "50000 100000");
      fs.write(cpu("/a", "max"), "70000 100000");
      assertThat(fs.read(cpu("/a", "max"))).isEqualTo("70000 100000\n");
    }

    @Test
    void aCapThrottlesAndCountsPeriods() {
      fs.write(cpu("/a", "max"), "10000 100000");
      DrmFile f = client("/a");
      gpu.submit(f, "render", 50_000_000L);
      gpu.runFor(300_000_000L);
      Map<String, String> stat = flat(cpu("/a", "stat"));
      long usage = Long.parseLong(stat.get("usage_usec"));
      assertThat(usage).isBetween(20_000L, 45_000L); // 10 ms per 100 ms period over 300 ms, one slice of slack
      assertThat(Long.parseLong(stat.get("nr_throttled"))).isPositive();
      assertThat(Long.parseLong(stat.get("nr_periods"))).isGreaterThanOrEqualTo(2);
      assertThat(Long.parseLong(stat.get("throttled_usec"))).isPositive();
    }

    @Test
    void statKeysComeInTheKernelsOrderThenPerEngine() {
      List<String> keys = fs.read(cpu("/a", "stat")).lines().map(l -> l.split(" ")[0]).toList();
      assertThat(keys.subList(0, 6)).containsExactly(
          "usage_usec", "nr_periods", "nr_throttled", "throttled_usec", "nr_bursts", "burst_usec");
      assertThat(keys.subList(6, keys.size())).allMatch(k -> k.startsWith("usage_usec."));
      assertThat(fs.read(cpu("/", "stat"))).doesNotContain("nr_periods");
    }

    @Test
    void usageGrowsWhenClientsRunAndReachesTheRoot() {
      DrmFile f = client("/a");
      gpu.submit(f, "render", 5_000_000L);
      gpu.runFor(10_000_000L);
      assertThat(flatValue(cpu("/a", "stat"), "usage_usec")).isEqualTo(5000);
      assertThat(flatValue(cpu("/a", "stat"), "usage_usec.rcs0")).isEqualTo(5000);
      assertThat(flatValue(cpu("/", "stat"), "usage_usec")).isEqualTo(5000);
    }
  }

  // ------------------------------------------------------------------ §7

  @Nested
  class S7Cpuset {
    @BeforeEach
    void child() {
      fs.write("/a/cgroup.subtree_control", "+cpuset");
      fs.mkdir("/a/b");
    }

    @Test
    void effectiveIsOwnIntersectParents() {
      fs.write(cpuset("/a", "cpus"), "0-3");
      fs.write(cpuset("/a/b", "cpus"), "2-5");
      assertThat(fs.read(cpuset("/a", "cpus.effective"))).isEqualTo("0-3\n");
      assertThat(fs.read(cpuset("/a/b", "cpus.effective"))).isEqualTo("2-3\n");
      assertThat(fs.read(cpuset("/a/b", "cpus"))).isEqualTo("2-5\n");
    }

    @Test
    void anEmptyIntersectionFallsBackToTheParentsEffective() {
      fs.write(cpuset("/a", "cpus"), "0-3");
      fs.write(cpuset("/a/b", "cpus"), "6-7");
      assertThat(fs.read(cpuset("/a/b", "cpus.effective"))).isEqualTo("0-3\n");
    }

    @Test
    void emptyMeansAsTheParent() {
      fs.write(cpuset("/a", "cpus"), "1,3");
      assertThat(fs.read(cpuset("/a/b", "cpus.effective"))).isEqualTo("1,3\n");
      assertThat(fs.read(cpuset("/", "cpus.effective"))).isEqualTo("0-8\n");
    }

    @Test
    void aChangeReachesEveryDescendantAtOnce() {
      fs.write("/a/b/cgroup.subtree_control", "+cpuset");
      fs.mkdir("/a/b/c");
      fs.write(cpuset("/a", "cpus"), "0-3");
      assertThat(fs.read(cpuset("/a/b/c", "cpus.effective"))).isEqualTo("0-3\n");
      fs.write(cpuset("/a", "cpus"), "2");
      assertThat(fs.read(cpuset("/a/b/c", "cpus.effective"))).isEqualTo("2\n");
    }

    @Test
    void memsWorkTheSameWay() {
      assertThat(fs.read(cpuset("/a", "mems.effective"))).isEqualTo("0-1\n");
      fs.write(cpuset("/a", "mems"), "1");
      assertThat(fs.read(cpuset("/a", "mems.effective"))).isEqualTo("1\n");
      fs.write(cpuset("/a/b", "mems"), "0");
      assertThat(fs.read(cpuset("/a/b", "mems.effective"))).isEqualTo("1\n"); // fell back
      assertRefused(Errno.EINVAL, cpuset("/a", "mems"), "2");
    }

    @ParameterizedTest
    // the device has engines 0-8; docs/CPUSET.md: an id too large for the list is ERANGE
    @CsvSource(delimiter = ';', value = {
        "9;EINVAL", "1-;EINVAL", "3-1;EINVAL", "a;EINVAL", "1,,2;EINVAL", "-1;EINVAL", "70000;ERANGE"})
    void badListsAndUnknownIds(String value, Errno errno) {
      assertRefused(errno, cpuset("/a", "cpus"), value);
    }

    @Test
    void aValidPartitionTakesItsEnginesFromItsSiblings() {
      fs.mkdir("/c");
      fs.write(cpuset("/a", "cpus"), "0-3");
      fs.write(cpuset("/a", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/a", "cpus.partition"))).isEqualTo("root\n");
      assertThat(fs.read(cpuset("/a", "cpus.effective"))).isEqualTo("0-3\n");
      assertThat(fs.read(cpuset("/c", "cpus.effective"))).isEqualTo("4-8\n");
      assertThat(fs.read(cpuset("/", "cpus.effective"))).isEqualTo("4-8\n");
      fs.write(cpuset("/a", "cpus.partition"), "member");
      assertThat(fs.read(cpuset("/c", "cpus.effective"))).isEqualTo("0-8\n");
    }

    @Test
    void anInvalidPartitionReadsWithItsReason() {
      fs.write(cpuset("/a/b", "cpus"), "1");
      fs.write(cpuset("/a/b", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/a/b", "cpus.partition"))).isEqualTo("root invalid (Parent is not a partition root)\n");
      fs.write(cpuset("/a/b", "cpus.partition"), "isolated");
      assertThat(fs.read(cpuset("/a/b", "cpus.partition")))
          .isEqualTo("isolated invalid (Parent is not a partition root)\n");
    }

    @Test
    void overlappingSiblingPartitionsAreInvalid() {
      fs.mkdir("/c");
      fs.write(cpuset("/a", "cpus"), "0-3");
      fs.write(cpuset("/a", "cpus.partition"), "root");
      fs.write(cpuset("/c", "cpus"), "2-5");
      fs.write(cpuset("/c", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/c", "cpus.partition"))).isEqualTo("root invalid (Cpu list in cpuset.cpus not exclusive)\n");
    }

    @Test
    void takingEveryEngineFromTheRootIsInvalid() {
      fs.write(cpuset("/a", "cpus"), "0-8");
      fs.write(cpuset("/a", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/a", "cpus.partition"))).isEqualTo("root invalid (Parent unable to distribute cpu downstream)\n");
      assertThat(fs.read(cpuset("/", "cpus.effective"))).isEqualTo("0-8\n");
    }

    @Test
    void exclusiveSetsOfSiblingsMayNotOverlap() {
      fs.mkdir("/c");
      fs.write(cpuset("/a", "cpus.exclusive"), "0-2");
      assertRefused(Errno.EINVAL, cpuset("/c", "cpus.exclusive"), "2-3");
      fs.write(cpuset("/c", "cpus.exclusive"), "3-4");
      assertThat(fs.read(cpuset("/c", "cpus.exclusive"))).isEqualTo("3-4\n");
    }

    @Test
    void anEmptyPartitionIsInvalidWithTheKernelsReason() {
      fs.write(cpuset("/a/b", "cpus.partition"), "root");
      fs.write(cpuset("/a", "cpus"), "1-2");
      fs.write(cpuset("/a", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/a", "cpus.partition"))).isEqualTo("root\n");
      // /a/b asks for nothing of its own: cpus and exclusive are empty
      assertThat(fs.read(cpuset("/a/b", "cpus.partition")))
          .isEqualTo("root invalid (cpuset.cpus and cpuset.cpus.exclusive are empty)\n");
    }

    @Test
    void anInvalidPartitionBecomesValidWhenItsConditionsHold() {
      fs.write(cpuset("/a/b", "cpus"), "1");
      fs.write(cpuset("/a/b", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/a/b", "cpus.partition"))).startsWith("root invalid");
      fs.write(cpuset("/a", "cpus"), "0-3");
      fs.write(cpuset("/a", "cpus.partition"), "root");
      assertThat(fs.read(cpuset("/a/b", "cpus.partition"))).isEqualTo("root\n");
      assertThat(fs.read(cpuset("/a", "cpus.effective"))).isEqualTo("0,2-3\n");
      assertThat(fs.read(cpuset("/a/b", "cpus.effective"))).isEqualTo("1\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bogus", "root invalid"})
    void badPartitionValuesAreEinval(String value) {
      assertRefused(Errno.EINVAL, cpuset("/a", "cpus.partition"), value);
      assertThat(fs.read(cpuset("/a", "cpus.partition"))).isEqualTo("member\n");
    }
  }

  // ------------------------------------------------------------------ §8

  @Nested
  class S8Drm {
    Map<String, String> fdinfo(DrmFile f) {
      Map<String, String> m = new LinkedHashMap<>();
      String text = f.fdinfo();
      assertThat(text).endsWith("\n");
      for (String line : text.split("\n")) {
        int colon = line.indexOf(':');
        assertThat(colon).as(line).isPositive();
        assertThat(line.substring(colon + 1)).as(line).startsWith("\t");
        m.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
      return m;
    }

    @Test
    void theDriverSetsTheFeatureBitsItClaims() {
      assertThat(cg.driver(I915Driver.class).orElseThrow().features()).contains(
          DriverFeature.DRIVER_GEM, DriverFeature.DRIVER_RENDER, DriverFeature.DRIVER_CGROUPS);
      assertThat(DriverFeature.values()).extracting(Enum::name).contains("DRIVER_COMPUTE_ACCEL", "DRIVER_SYNCOBJ_TIMELINE");
    }

    @Test
    void fdinfoStartsWithTheMandatoryKeys() {
      DrmFile f = client("/a");
      List<String> keys = new ArrayList<>(fdinfo(f).keySet());
      assertThat(keys.get(0)).isEqualTo("drm-driver");
      Map<String, String> m = fdinfo(f);
      assertThat(m.get("drm-driver")).isEqualTo("i915");
      assertThat(m.get("drm-client-id")).isEqualTo(Long.toString(f.clientId()));
      assertThat(m.get("drm-pdev")).isEqualTo("0000:00:02.0");
    }

    @Test
    void clientIdsAreUnique() {
      DrmFile f = client("/a");
      DrmFile g = client("/a");
      assertThat(fdinfo(f).get("drm-client-id")).isNotEqualTo(fdinfo(g).get("drm-client-id"));
    }

    @Test
    void engineKeysUseI915ClassesInNanoseconds() {
      DrmFile f = client("/a");
      Map<String, String> m = fdinfo(f);
      for (String c : List.of("render", "copy", "video", "video-enhance", "compute")) {
        assertThat(m.get("drm-engine-" + c)).as(c).isEqualTo("0 ns");
      }
      assertThat(m.keySet().stream().filter(k -> k.startsWith("drm-engine-") && !k.contains("capacity")))
          .hasSize(5);
      assertThat(m.get("drm-engine-capacity-video")).isEqualTo("2");
      assertThat(m.get("drm-engine-capacity-compute")).isEqualTo("4");
      assertThat(m).doesNotContainKey("drm-engine-capacity-render");
    }

    @Test
    void engineTimeGrowsWithRunBatches() {
      DrmFile f = client("/a");
      gpu.submit(f, "copy", 3_000_000L);
      gpu.runFor(5_000_000L);
      assertThat(fdinfo(f).get("drm-engine-copy")).isEqualTo("3000000 ns");
      assertThat(fdinfo(f).get("drm-engine-render")).isEqualTo("0 ns");
    }

    @Test
    void memoryKeysUseTheKernelsUnits() {
      DrmFile f = client("/a");
      Map<String, String> empty = fdinfo(f);
      assertThat(empty.get("drm-total-local0")).isEqualTo("0");
      assertThat(empty.get("drm-total-system0")).isEqualTo("0");
      assertThat(empty.get("drm-total-local1")).isEqualTo("0");
      f.createGem(2 * M, "local0");
      f.createGem(64 << 10, "local1");
      f.createGem(12 << 10, "system0");
      Map<String, String> m = fdinfo(f);
      assertThat(m.get("drm-total-local0")).isEqualTo("2 MiB");
      assertThat(m.get("drm-resident-local0")).isEqualTo("2 MiB");
      assertThat(m.get("drm-total-local1")).isEqualTo("64 KiB");
      assertThat(m.get("drm-total-system0")).isEqualTo("12 KiB");
      assertThat(m.get("drm-shared-local0")).isEqualTo("0");
      assertThat(m.get("drm-active-local0")).isEqualTo("0");
    }

    @Test
    void primeSharedObjectsShowAsSharedInBothClients() {
      DrmFile f = client("/a");
      DrmFile g = client("/");
      int h = f.createGem(M, "local0");
      try (DmaBuf buf = f.exportPrime(h)) {
        int gh = g.importPrime(buf);
        assertThat(g.object(gh)).isSameAs(f.object(h));
      }
      assertThat(fdinfo(f).get("drm-shared-local0")).isEqualTo("1 MiB");
      assertThat(fdinfo(g).get("drm-shared-local0")).isEqualTo("1 MiB");
      assertThat(fdinfo(g).get("drm-total-local0")).isEqualTo("1 MiB");
      // not charged again: only the creator's cgroup pays
      assertThat(fs.read(mem("/a", DEV, "current"))).isEqualTo(M + "\n");
    }

    @Test
    void activeObjectsShowAsActive() {
      DrmFile f = client("/a");
      int h = f.createGem(M, "local0");
      gpu.submit(f, "render", 5_000_000L, h);
      assertThat(fdinfo(f).get("drm-active-local0")).isEqualTo("1 MiB");
      gpu.runFor(10_000_000L);
      assertThat(fdinfo(f).get("drm-active-local0")).isEqualTo("0");
    }

    @Test
    void gemHandlesArePerClientFromOne() {
      DrmFile f = client("/a");
      DrmFile g = client("/a");
      assertThat(f.createGem(4096)).isEqualTo(1);
      assertThat(f.createGem(4096)).isEqualTo(2);
      assertThat(g.createGem(4096)).isEqualTo(1);
    }

    @Test
    void gemSizesArePageAligned() {
      DrmFile f = client("/a");
      int h = f.createGem(5000, "system0");
      assertThat(f.object(h).size()).isEqualTo(8192);
      assertThat(errnoOf(() -> f.createGem(0))).isEqualTo(Errno.EINVAL);
    }
  }
}
