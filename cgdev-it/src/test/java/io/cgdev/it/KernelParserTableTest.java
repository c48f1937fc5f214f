package io.cgdev.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.core.Cgroups;
import io.cgdev.i915.I915Descriptor;
import io.cgdev.i915.I915Driver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every writable file parses its value as the kernel's handler does: one row per file and input
 * form, with the outcome the kernel gives (the value read back, or the errno) and the kernel source
 * it was derived from (Linux 6.18; see docs/SEMANTICS.md §1). Rows marked {@code host} were also
 * observed on this machine's cgroup2 ({@code cgroup.max.depth} directly; the memparse rows through
 * {@code hugetlb.2MB.max}, which uses the same {@code page_counter_memparse}). A row with a {@code
 * cgdev} outcome is a deliberate, documented difference: the kernel's outcome is recorded, cgdev's is
 * checked.
 *
 * <p>Each row writes to a fresh cgroup of one booted world (i915 with two tiles; memory, cpu,
 * cpuset and dmem enabled at the root), so rows do not see each other's values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelParserTableTest {
  // the kernel sources each row follows
  static final String KSTRTOULL = "cgroup.c cgroup_file_write: write_u64 <- kstrtoull(buf, 0) without strstrip; lib/kstrtox.c";
  static final String KSTRTOLL = "cgroup.c cgroup_file_write: write_s64 <- kstrtoll(buf, 0) without strstrip; lib/kstrtox.c";
  static final String WEIGHT = KSTRTOULL + "; sched/core.c cpu_weight_write_u64: outside 1..10000 -ERANGE";
  static final String NICE = KSTRTOLL + "; sched/core.c cpu_weight_nice_write_s64: outside -20..19 -ERANGE";
  static final String BURST = KSTRTOULL + "; sched/core.c cpu_cfs_burst_write_u64 -> tg_set_cfs_bandwidth: above max_cfs_runtime -EINVAL";
  static final String CPU_MAX = "sched/core.c cpu_max_write -> cpu_period_quota_parse: sscanf(\"%20s %llu\"), sscanf(tok, \"%llu\") or"
      + " \"max\"; tg_set_cfs_bandwidth: period 1ms..1s, quota >= 1ms and <= max_cfs_runtime, else -EINVAL";
  static final String MEMPARSE = "memcontrol.c memory_max_write: strstrip, page_counter_memparse (page_counter.c): \"max\" or memparse"
      + " (lib/cmdline.c: simple_strtoull(buf, 0) + K..E suffix) to the end, else -EINVAL; bytes / PAGE_SIZE, capped; host";
  static final String DMEM = "cgroup/dmem.c dmemcg_limit_write -> dmemcg_parse_limit: \"max\" or memparse to the end";
  static final String DEPTH = "cgroup.c cgroup_max_depth_write: strstrip, \"max\" or kstrtoint(buf, 0), < 0 -ERANGE; host";
  static final String FREEZE = "cgroup.c cgroup_freeze_write: kstrtoint(strstrip(buf), 0), not 0 or 1 -ERANGE";
  static final String CPUSET = "cgroup/cpuset.c cpuset_write_resmask: strstrip; cpulist_parse -> bitmap_parselist (lib/bitmap-str.c),"
      + " decimal numbers (bitmap_getnum, base 10)";
  static final String NO_STRIP = "the file view strips every value (docs/SEMANTICS.md §1), so white space around a write_u64/write_s64"
      + " value is accepted";

  static final String DEV = "i915.0";
  static final String REGION = "drm/0000:00:02.0/local0";

  /**
   * One row.
   *
   * @param file the file's name in the cgroup or its device folder
   * @param input what is written
   * @param kernel the kernel's outcome: {@code =<value read back>} or {@code !<errno>}
   * @param cgdev cgdev's outcome where it differs on purpose, else {@code null}
   * @param why the kernel source, or the reason for the difference
   */
  record Row(String file, String input, String kernel, String cgdev, String why) {
    @Override
    public String toString() {
      return file + " <- \"" + input.replace("\n", "\\n").replace("\0", "\\0") + "\" : " + kernel
          + (cgdev == null ? "" : " (cgdev " + cgdev + ")");
    }
  }

  static Row row(String file, String input, String kernel, String why) {
    return new Row(file, input, kernel, null, why);
  }

  static Row differs(String file, String input, String kernel, String cgdev, String why) {
    return new Row(file, input, kernel, cgdev, why);
  }

  static Stream<Row> rows() {
    List<Row> r = new ArrayList<>();
    // cpu.weight: cftype.write_u64
    r.add(row("cpu.weight", "100", "=100", WEIGHT));
    r.add(row("cpu.weight", "+5", "=5", WEIGHT));
    r.add(row("cpu.weight", "0x10", "=16", WEIGHT));
    r.add(row("cpu.weight", "0X10", "=16", WEIGHT));
    r.add(row("cpu.weight", "010", "=8", WEIGHT));
    r.add(row("cpu.weight", "08", "!EINVAL", WEIGHT));
    r.add(row("cpu.weight", "-1", "!EINVAL", WEIGHT));
    r.add(row("cpu.weight", "++5", "!EINVAL", WEIGHT));
    r.add(row("cpu.weight", "0", "!ERANGE", WEIGHT));
    r.add(row("cpu.weight", "10001", "!ERANGE", WEIGHT));
    r.add(row("cpu.weight", "18446744073709551615", "!ERANGE", WEIGHT));
    r.add(row("cpu.weight", "18446744073709551616", "!ERANGE", WEIGHT));
    r.add(row("cpu.weight", "1e3", "!EINVAL", WEIGHT));
    r.add(row("cpu.weight", "50\n", "=50", WEIGHT));
    r.add(row("cpu.weight", "50\0junk", "=50", WEIGHT + "; kernfs hands a C string"));
    r.add(differs("cpu.weight", " 50 ", "!EINVAL", "=50", NO_STRIP));
    // cpu.weight.nice: cftype.write_s64
    r.add(row("cpu.weight.nice", "-5", "=-5", NICE));
    r.add(row("cpu.weight.nice", "+5", "=5", NICE));
    r.add(row("cpu.weight.nice", "0x5", "=5", NICE));
    r.add(row("cpu.weight.nice", "-010", "=-8", NICE));
    r.add(row("cpu.weight.nice", "08", "!EINVAL", NICE));
    r.add(row("cpu.weight.nice", "-+1", "!EINVAL", NICE));
    r.add(row("cpu.weight.nice", "--1", "!EINVAL", NICE));
    r.add(row("cpu.weight.nice", "20", "!ERANGE", NICE));
    r.add(row("cpu.weight.nice", "-21", "!ERANGE", NICE));
    r.add(row("cpu.weight.nice", "9223372036854775808", "!ERANGE", NICE));
    r.add(row("cpu.weight.nice", "-9223372036854775809", "!ERANGE", NICE));
    r.add(differs("cpu.weight.nice", " -5", "!EINVAL", "=-5", NO_STRIP));
    // cpu.max.burst: cftype.write_u64
    r.add(row("cpu.max.burst", "1000", "=1000", BURST));
    r.add(row("cpu.max.burst", "+1000", "=1000", BURST));
    r.add(row("cpu.max.burst", "0x3e8", "=1000", BURST));
    r.add(row("cpu.max.burst", "01750", "=1000", BURST));
    r.add(row("cpu.max.burst", "08", "!EINVAL", BURST));
    r.add(row("cpu.max.burst", "-1", "!EINVAL", BURST));
    r.add(row("cpu.max.burst", "17592186044416", "!EINVAL", BURST));
    r.add(row("cpu.max.burst", "18446744073709551616", "!ERANGE", BURST));
    // cpu.max: sscanf
    r.add(row("cpu.max", "50000 100000", "=50000 100000", CPU_MAX));
    r.add(row("cpu.max", "max", "=max 100000", CPU_MAX));
    r.add(row("cpu.max", "50000", "=50000 100000", CPU_MAX));
    r.add(row("cpu.max", "050000 0200000", "=50000 200000", CPU_MAX + " (%llu is decimal)"));
    r.add(row("cpu.max", "50000abc", "=50000 100000", CPU_MAX + " (%llu stops at the first non-digit)"));
    r.add(row("cpu.max", "50000 200000 extra", "=50000 200000", CPU_MAX + " (the rest is ignored)"));
    r.add(row("cpu.max", "50000 +200000", "=50000 100000", CPU_MAX + " (no period read: it stays)"));
    r.add(row("cpu.max", "50000 200000x", "=50000 200000", CPU_MAX));
    r.add(row("cpu.max", "+50000", "!EINVAL", CPU_MAX));
    r.add(row("cpu.max", "-1 100000", "!EINVAL", CPU_MAX));
    r.add(row("cpu.max", "maxx", "!EINVAL", CPU_MAX));
    r.add(row("cpu.max", "0x10000 100000", "!EINVAL", CPU_MAX + " (0x10000 reads as 0: below 1 ms)"));
    r.add(row("cpu.max", "50000 0x10", "!EINVAL", CPU_MAX + " (period 0)"));
    r.add(row("cpu.max", "999 100000", "!EINVAL", CPU_MAX));
    r.add(row("cpu.max", "50000 1000001", "!EINVAL", CPU_MAX));
    r.add(row("cpu.max", "17592186044416", "!EINVAL", CPU_MAX));
    r.add(row("cpu.max", "99999999999999999999 100000", "!EINVAL", CPU_MAX + " (wraps mod 2^64, then out of range)"));
    r.add(row("cpu.max", "50000 100000\0junk", "=50000 100000", CPU_MAX));
    r.add(differs("cpu.max", "50000\u001f200000", "=50000 100000", "!EINVAL", "the ASCII rule (Bandwidth.parse): a control"
        + " character or non-ASCII one is refused where sscanf would stop at it"));
    r.add(differs("cpu.max", "max \u0665", "=max 100000", "!EINVAL", "the ASCII rule (Bandwidth.parse)"));
    // memory.max and its kin: page_counter_memparse
    for (String f : List.of("memory.max", "memory.high", "memory.low", "memory.min", "memory.swap.max")) {
      r.add(row(f, "4M", "=4194304", MEMPARSE));
      r.add(row(f, "max", "=max", MEMPARSE));
    }
    r.add(row("memory.max", "4m", "=4194304", MEMPARSE));
    r.add(row("memory.max", "0x400000", "=4194304", MEMPARSE));
    r.add(row("memory.max", "0X400000", "=4194304", MEMPARSE));
    r.add(row("memory.max", "010000000", "=2097152", MEMPARSE));
    r.add(row("memory.max", "0x400000M", "=4398046511104", MEMPARSE));
    r.add(row("memory.max", " 4194304 ", "=4194304", MEMPARSE));
    r.add(row("memory.max", "4194304\0junk", "=4194304", MEMPARSE));
    r.add(row("memory.max", "4194304\n", "=4194304", MEMPARSE));
    r.add(row("memory.max", "4097", "=4096", MEMPARSE + " (whole pages)"));
    r.add(row("memory.max", "0x1e", "=0", MEMPARSE + " (e is a hex digit: 30 bytes)"));
    r.add(row("memory.max", "M", "=0", MEMPARSE + " (no digits, a lone suffix)"));
    r.add(row("memory.max", " ", "=0", MEMPARSE + " (memparse of the empty string)"));
    r.add(row("memory.max", "15E", "=max", MEMPARSE + " (capped at PAGE_COUNTER_MAX)"));
    r.add(row("memory.max", "18446744073709551615", "=max", MEMPARSE));
    r.add(row("memory.max", "16E", "=0", MEMPARSE + " (the shift wraps)"));
    r.add(row("memory.max", "18446744073709551616", "=0", MEMPARSE + " (simple_strtoull wraps)"));
    r.add(row("memory.max", "08", "!EINVAL", MEMPARSE));
    r.add(row("memory.max", "+4194304", "!EINVAL", MEMPARSE));
    r.add(row("memory.max", "-1", "!EINVAL", MEMPARSE));
    r.add(row("memory.max", "0x", "!EINVAL", MEMPARSE));
    r.add(row("memory.max", "4194304B", "!EINVAL", MEMPARSE));
    r.add(row("memory.max", "4 M", "!EINVAL", MEMPARSE));
    r.add(row("memory.max", "1.5G", "!EINVAL", MEMPARSE));
    r.add(row("memory.max", "4194304 junk", "!EINVAL", MEMPARSE));
    r.add(row("memory.high", "0x100000", "=1048576", MEMPARSE));
    r.add(row("memory.low", "010000000", "=2097152", MEMPARSE));
    r.add(row("memory.min", "+1", "!EINVAL", MEMPARSE));
    r.add(row("memory.swap.max", "0x10k", "=16384", MEMPARSE));
    // dmem.max: dmemcg_parse_limit (bytes, no page rounding)
    r.add(row("dmem.max", REGION + " 0x100000", "=1048576", DMEM));
    r.add(row("dmem.max", REGION + " 010", "=8", DMEM));
    r.add(row("dmem.max", REGION + " 4k", "=4096", DMEM));
    r.add(row("dmem.max", REGION + " max", "=max", DMEM));
    r.add(row("dmem.max", REGION + " +4096", "!EINVAL", DMEM));
    r.add(row("dmem.max", REGION + " 08", "!EINVAL", DMEM));
    // core files: kstrtoint after strstrip
    r.add(row("cgroup.max.depth", "+5", "=5", DEPTH));
    r.add(row("cgroup.max.depth", "0x10", "=16", DEPTH));
    r.add(row("cgroup.max.depth", "010", "=8", DEPTH));
    r.add(row("cgroup.max.depth", " 5 ", "=5", DEPTH));
    r.add(row("cgroup.max.depth", " max ", "=max", DEPTH));
    r.add(row("cgroup.max.depth", "-0", "=0", DEPTH));
    r.add(row("cgroup.max.depth", "08", "!EINVAL", DEPTH));
    r.add(row("cgroup.max.depth", "-1", "!ERANGE", DEPTH));
    r.add(row("cgroup.max.depth", "2147483648", "!ERANGE", DEPTH));
    r.add(row("cgroup.max.descendants", "0x10", "=16", DEPTH.replace("depth", "descendants")));
    r.add(row("cgroup.max.descendants", "08", "!EINVAL", DEPTH.replace("depth", "descendants")));
    r.add(row("cgroup.freeze", "0x1", "=1", FREEZE));
    r.add(row("cgroup.freeze", "+01", "=1", FREEZE));
    r.add(row("cgroup.freeze", "2", "!ERANGE", FREEZE));
    r.add(row("cgroup.freeze", "08", "!EINVAL", FREEZE));
    // cpuset lists: bitmap_parselist, decimal
    r.add(row("cpuset.cpus", "08", "=8", CPUSET));
    r.add(row("cpuset.cpus", " 1-3 ", "=1-3", CPUSET));
    r.add(row("cpuset.cpus", "0x1", "!EINVAL", CPUSET));
    r.add(row("cpuset.cpus", "+1", "!EINVAL", CPUSET));
    r.add(row("cpuset.cpus", "3-1", "!EINVAL", CPUSET));
    return r.stream();
  }

  private final AtomicInteger next = new AtomicInteger();
  private Cgroups cg;
  private CgroupFs fs;

  @BeforeAll
  void boot() {
    I915Descriptor hw = new I915Descriptor(List.of(I915Descriptor.device(0, List.of(1L << 30, 1L << 30))));
    cg = Cgroups.builder().driver(new I915Driver(hw)).build();
    fs = cg.fs();
    fs.write("/cgroup.subtree_control", "+memory +cpu +cpuset +dmem");
  }

  @AfterAll
  void shutdown() {
    cg.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void parsesAsTheKernel(Row row) {
    String cgroup = "/row" + next.incrementAndGet();
    fs.mkdir(cgroup);
    String path = path(cgroup, row.file());
    String expected = row.cgdev() != null ? row.cgdev() : row.kernel();
    Throwable t = catchThrowable(() -> fs.write(path, row.input()));
    if (expected.startsWith("!")) {
      assertThat(t).as("%s (%s)", row, row.why()).isInstanceOf(CgroupException.class);
      assertThat(((CgroupException) t).errno().name()).as("%s (%s): %s", row, row.why(), t.getMessage())
          .isEqualTo(expected.substring(1));
    } else {
      assertThat(t).as("%s (%s)", row, row.why()).isNull();
      assertThat(readBack(path, row.file())).as("%s (%s)", row, row.why()).isEqualTo(expected.substring(1));
    }
  }

  private static String path(String cgroup, String file) {
    String ctrl = file.substring(0, file.indexOf('.'));
    return switch (ctrl) {
      case "cgroup", "dmem" -> cgroup + "/" + file;
      default -> cgroup + "/" + ctrl + ".devices/" + DEV + "/" + file;
    };
  }

  private String readBack(String path, String file) {
    String text = fs.read(path);
    if (file.equals("dmem.max")) {
      for (String line : text.split("\n")) {
        if (line.startsWith(REGION + " ")) {
          return line.substring(REGION.length() + 1);
        }
      }
      throw new AssertionError("no " + REGION + " in " + text);
    }
    return text.strip();
  }
}
