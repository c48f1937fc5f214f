package io.cgdev.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random steps, drawn from a seeded {@link Random}, aimed at where the rules are: mkdir and rmdir of
 * ordinary and unusual names (also names the kernel takes but a naive model would refuse), reads
 * and writes of every core file with valid, boundary and hostile values, {@code subtree_control}
 * sequences down the tree, limits, moving processes, stat and listing of every entry.
 *
 * <p>It keeps a model of the cgroups that exist, fed with the kernel's outcomes ({@link #observe}),
 * so most steps target live cgroups and some target removed or missing ones. What it never
 * generates, and why, is in docs/ARCHITECTURE.md §7: names of kernel files cgdev does not model and
 * of cgdev's own per-device folder, names that are not UTF-8 or longer than FUSE's 1024 bytes, pid
 * 0 and pids of processes that are not the run's own.
 */
final class Generator {
  static final List<String> CORE_FILES = List.of("cgroup.procs", "cgroup.controllers", "cgroup.subtree_control",
      "cgroup.events", "cgroup.max.depth", "cgroup.max.descendants", "cgroup.stat", "cgroup.pressure");
  private static final List<String> ORDINARY = List.of("a", "b", "c", "d");
  private static final List<String> UNUSUAL = List.of(" x", "x y", "x\ty", "-x", "--", "...", ".x", "x.", "cgroup.x",
      "cgroup.", "cgroup.procs", "cgroup.events", "cgroup.max.depth", "memory.max", "memory.devices", "cpu.weight",
      "devices", "x.devices", "\u00e9t\u00e9", "\u65e5\u672c", "\ud83d\ude00", "\\", "*", "$x", "'q'", "\"q\"", "x\ny",
      "%s", "a:b", "n".repeat(255), "n".repeat(256), "n".repeat(1000), "\u00a0", "0", "-1");
  private static final List<String> NUMBERS = List.of("0", "1", "2", "3", "5", "max", "+2", "-0", "0x3", "03", "010",
      "2147483647", "2147483646", "2147483648", "-1", "-2147483648", "4294967296", "99999999999999999999",
      "-99999999999999999999", "08", "0x", "0xg", "+-1", "--1", "MAX", "Max", "max ", " max", "1.5", "1e3", "1 2", "1\n2",
      "2\n", "2\n\n", "\n2", "\t2\t", "\u000b2\f", "2\r", "\u00a02", "2\u00a0", "\u00852", "\u00c2\u00a02", "2\0junk", "\0",
      "\0" + "2", "", " ", "\n", "\u0665", "\uff12");
  private static final List<String> TOKENS = List.of("+hugetlb", "-hugetlb", "+hugetlb", "-hugetlb", "+memory", "-memory",
      "+cpu", "-cpuset", "+bogus", "-bogus", "hugetlb", "+", "-", "++hugetlb", "+HUGETLB", "+cpuacct", "+devices",
      "+freezer", "*hugetlb", "+hugetlb2", "+ hugetlb");
  /** Values safe to write to any core file, cgroup.procs included: none is a pid of a process. */
  private static final List<String> ANY_FILE_VALUES = List.of("max", "999999999", "-1", "+hugetlb", "-hugetlb", "", "abc", "0x");
  private static final List<String> DESCRIPTOR_VALUES = ANY_FILE_VALUES.stream().filter(v -> !v.isEmpty()).toList();
  private static final List<String> SEPARATORS = List.of(" ", " ", " ", "  ", "\t", "\n", "\u00a0");

  private final Random random;
  private final List<String> mirrorFiles;
  private final int processes;
  private final boolean staleHandles;
  /** Live cgroups by the kernel's outcomes, as paths relative to the base ("" is the base). */
  private final List<String> live = new ArrayList<>(List.of(""));
  private final List<String> removed = new ArrayList<>();
  private final Set<String> forbidden;

  /**
   * @param mirrorFiles the mirrored controller's file names with their prefix ({@code hugetlb.2MB.max})
   * @param forbidden names never used for a cgroup (see the class comment)
   */
  Generator(Random random, List<String> mirrorFiles, Set<String> forbidden, int processes, boolean staleHandles) {
    this.random = random;
    this.mirrorFiles = List.copyOf(mirrorFiles);
    this.forbidden = Set.copyOf(forbidden);
    this.processes = processes;
    this.staleHandles = staleHandles;
  }

  /** Tells the model what a step did on the kernel. */
  void observe(Step step, String kernelOutcome) {
    if (!kernelOutcome.equals("ok")) {
      return;
    }
    switch (step) {
      case Step.Mkdir m -> {
        live.add(m.path());
        removed.remove(m.path());
      }
      case Step.Rmdir r -> {
        live.remove(r.path());
        removed.add(r.path());
      }
      default -> {}
    }
  }

  Step next() {
    int k = random.nextInt(100);
    if (staleHandles && k < 6) {
      return handleStep();
    }
    if (k < 22) {
      if (random.nextInt(30) == 0) {
        return new Step.Mkdir(file(file(someCgroup(), pick(CORE_FILES)), "x")); // below a file: ENOTDIR
      }
      return new Step.Mkdir(child(pick(random.nextInt(8) == 0 && !removed.isEmpty() ? removed : live)));
    }
    if (k < 32) {
      return new Step.Rmdir(random.nextInt(30) == 0 ? file(someCgroup(), pick(CORE_FILES)) : someCgroup());
    }
    if (k < 42) {
      return new Step.Write(file(someCgroup(), "cgroup.subtree_control"), subtreeValue());
    }
    if (k < 52) {
      // cgroup.pressure takes kstrtoint as these do, then 0 or 1 (ERANGE else)
      String file = pick(List.of("cgroup.max.depth", "cgroup.max.descendants", "cgroup.pressure"));
      return new Step.Write(file(someCgroup(), file), numberValue());
    }
    if (k < 60) {
      return new Step.Write(file(someCgroup(), "cgroup.procs"), procsValue());
    }
    if (k < 63) {
      if (random.nextInt(6) == 0) {
        return new Step.Write(someCgroup(), Value.Bytes.of("max")); // a folder: EISDIR at open
      }
      String file = pick(List.of("cgroup.controllers", "cgroup.events", "cgroup.stat"));
      return new Step.Write(file(someCgroup(), file), random.nextBoolean() ? Value.Bytes.of("1") : numberValue());
    }
    if (k < 65) {
      String file = pick(CORE_FILES);
      return new Step.Write(file(someCgroup(), file), bigValue(file.equals("cgroup.procs")));
    }
    if (k < 80) {
      int odd = random.nextInt(20);
      return new Step.Read(odd == 0 ? file(someCgroup(), "cgroup.nope")
          : odd == 1 ? someCgroup() // a folder: EISDIR at read
          : odd == 2 ? file(file(someCgroup(), pick(CORE_FILES)), "x") // below a file: ENOTDIR
          : file(someCgroup(), pick(CORE_FILES)));
    }
    if (k < 93) {
      String cgroup = someCgroup();
      int what = random.nextInt(10);
      String entry = what < 3 ? cgroup
          : what < 5 && !mirrorFiles.isEmpty() ? file(cgroup, pick(mirrorFiles))
          : what == 5 ? file(file(cgroup, pick(CORE_FILES)), "x")
          : file(cgroup, pick(CORE_FILES));
      return new Step.Stat(entry);
    }
    return new Step.ListDir(someCgroup());
  }

  private Step handleStep() {
    int slot = random.nextInt(3);
    return switch (random.nextInt(6)) {
      case 0, 1 -> new Step.Open(slot, file(pick(live), pick(CORE_FILES)));
      case 2 -> new Step.ReadFd(slot);
      // never an empty write through a descriptor: the FUSE kernel module answers a write of nothing
      // itself, so a removed cgroup's ENODEV cannot be given (ARCHITECTURE §7); paths write "" instead
      case 3 -> new Step.WriteFd(slot, Value.Bytes.of(pick(DESCRIPTOR_VALUES)));
      case 4 -> new Step.FstatFd(slot);
      default -> new Step.CloseFd(slot);
    };
  }

  /** Mostly a live cgroup; sometimes a removed one or one that never was. */
  private String someCgroup() {
    int k = random.nextInt(20);
    if (k == 0 && !removed.isEmpty()) {
      return pick(removed);
    }
    if (k == 1) {
      return child(pick(live));
    }
    return pick(live);
  }

  private String child(String parent) {
    String name;
    do {
      name = random.nextInt(4) == 0 ? pick(UNUSUAL) : random.nextInt(6) == 0 && !mirrorFiles.isEmpty() ? pick(mirrorFiles) : pick(ORDINARY);
    } while (forbidden.contains(name) || name.getBytes(StandardCharsets.UTF_8).length > 1024);
    return parent.isEmpty() ? name : parent + "/" + name;
  }

  private static String file(String cgroup, String name) {
    return cgroup.isEmpty() ? name : cgroup + "/" + name;
  }

  private Value subtreeValue() {
    int n = 1 + random.nextInt(random.nextInt(5) == 0 ? 4 : 2);
    StringBuilder sb = new StringBuilder();
    if (random.nextInt(6) == 0) {
      sb.append(pick(SEPARATORS));
    }
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        sb.append(random.nextInt(5) == 0 ? pick(SEPARATORS) : " ");
      }
      sb.append(random.nextInt(3) == 0 ? pick(TOKENS) : random.nextBoolean() ? "+hugetlb" : "-hugetlb");
    }
    if (random.nextInt(6) == 0) {
      sb.append(pick(List.of("\n", " ", "\t", "\0junk", "\u00a0")));
    }
    if (random.nextInt(40) == 0) {
      return Value.Bytes.of(random.nextBoolean() ? "" : "\n");
    }
    return Value.Bytes.of(sb.toString());
  }

  private Value numberValue() {
    if (random.nextInt(5) == 0) {
      return Value.Bytes.utf8(pick(NUMBERS));
    }
    return Value.Bytes.of(random.nextInt(3) == 0 ? pick(NUMBERS) : Integer.toString(random.nextInt(4)));
  }

  private Value procsValue() {
    int k = random.nextInt(10);
    if (k < 7 && processes > 0) {
      Value.Form form = k < 4 ? Value.Form.DECIMAL : pick(List.of(Value.Form.values()));
      return new Value.Pid(random.nextInt(processes), form);
    }
    // never a pid of a process that is not the run's own: beyond any pid_max (2^22), or not a pid at all
    return Value.Bytes.of(pick(List.of("999999999", "4194305", "-1", "", " ", "abc", "1 2", "2147483648",
        "99999999999999999999", "\u00a0", "\u0085")));
  }

  /** 4 KiB and more; for cgroup.procs never a number that could be a pid of a process not the run's own. */
  private Value bigValue(boolean procs) {
    String number = procs ? "999999999" : "2";
    return Value.Bytes.of(switch (random.nextInt(5)) {
      case 0 -> "1".repeat(4096);
      case 1 -> "1".repeat(4097);
      case 2 -> number + " ".repeat(4096 - number.length());
      case 3 -> number + " ".repeat(5000);
      default -> "+hugetlb" + " ".repeat(4088);
    });
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
