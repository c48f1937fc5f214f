package io.cgdev.state;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.Tasks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Brings a tree to a {@link Configuration} through its file view, as a user would: makes the missing
 * cgroups (parents first), writes each configuration file whose content differs from the target,
 * places tasks, and removes cgroups the target does not have (children first). Nothing about any
 * controller is known here, so a file a plugin adds is restored like the others.
 *
 * <p><b>Why passes.</b> A target is a set of values, not the writes that made them; their order may
 * matter (a sibling's {@code cpuset.cpus.exclusive} before a partition root, {@code cpu.max} before
 * {@code cpu.max.burst}, a child made {@code threaded} before its parent reads {@code domain
 * threaded}, a limit on descendants after the descendants are made). So the walk repeats while it
 * changes something: a write that fails is tried again in the next pass, and only files that still
 * differ are written, so a file whose value follows from another's ({@code cpu.weight.nice} from
 * {@code cpu.weight}, the {@code memory.region.*} view of the per-device files) is usually never
 * written at all. When a pass changes nothing and differences remain, the restore fails naming them.
 *
 * <p><b>Writing a value back.</b> A file's content is written back as it reads, one write per line
 * (keyed files take one {@code key value} per write), with two documented exceptions, whose read form
 * is not their write form in the kernel either: {@code cgroup.subtree_control} is written as the
 * {@code +name}/{@code -name} tokens that turn what it reads into the target, and {@code
 * cpuset.cpus.partition}'s {@code <state> invalid (<reason>)} is written as {@code <state>}. And
 * {@code cgroup.max.depth}/{@code cgroup.max.descendants}, which the kernel lets be set below what
 * exists, are lifted on the ancestors of a cgroup they keep from being made, and set to their
 * target by the file pass that follows. A partition the target shows invalid is written last, after
 * everything else converged (see {@code held}): the order of events made it invalid, and written
 * early it would be valid and block the sibling claims that invalidate it. When the passes are stuck, exclusive claims that differ from the target are given up once and
 * claimed again (siblings that swapped CPUs; see {@code releaseClaims}).
 */
public final class TreeRestore {
  /** More passes than any chain of dependencies between files seen so far needs. */
  static final int MAX_PASSES = 8;
  private static final int PROBLEMS_SHOWN = 6;

  /**
   * Where a task is to be.
   *
   * @param pid its pid
   * @param name its name: the task of that pid must have it
   * @param cgroup the path of its cgroup
   */
  public record Placement(int pid, String name, String cgroup) {}

  /**
   * What a restore did.
   *
   * @param passes walks over the target
   * @param made cgroups made
   * @param removed cgroups removed
   * @param written files written
   * @param moved tasks moved
   * @param ended tasks ended
   */
  public record Result(int passes, int made, int removed, int written, int moved, int ended) {}

  private final CgroupFs fs;
  private final Configuration target;
  private final Tasks tasks;
  private final List<Placement> placements;
  private int made;
  private int removed;
  private int written;
  private int moved;
  private int ended;

  private TreeRestore(CgroupFs fs, Configuration target, Tasks tasks, List<Placement> placements) {
    this.fs = fs;
    this.target = target;
    this.tasks = tasks;
    this.placements = placements;
  }

  /**
   * Brings the tree of {@code fs} to {@code target}, leaving tasks where they are.
   *
   * @throws CgroupException when the target cannot be reached: the errno of the first problem, and
   *     a message naming every file or cgroup that still differs (up to six) with why
   */
  public static Result converge(CgroupFs fs, Configuration target) {
    return new TreeRestore(fs, target, null, List.of()).run();
  }

  /**
   * As {@link #converge(CgroupFs, Configuration)}, and also places the tasks: each placement's task
   * (which must exist with that pid and name) is moved to its cgroup, and every other task is ended.
   *
   * @throws CgroupException as {@link #converge(CgroupFs, Configuration)}; {@code ESRCH} for a task
   *     that does not exist
   */
  public static Result converge(CgroupFs fs, Configuration target, Tasks tasks, List<Placement> placements) {
    return new TreeRestore(fs, target, tasks, List.copyOf(placements)).run();
  }

  /**
   * Whether the partitions the target shows invalid are still held as members ({@link #held}): 1
   * until everything else has gone as far as it gets, then 0.
   */
  private int holding;

  private Result run() {
    List<Problem> problems = List.of();
    holding = target.cgroups().stream().anyMatch(c -> c.files().entrySet().stream().anyMatch(f -> held(f, 1))) ? 1 : 0;
    for (int pass = 1; pass <= MAX_PASSES * (1 + holding); pass++) {
      problems = new ArrayList<>();
      boolean changed = makeCgroups(problems);
      changed |= placeTasks(problems);
      changed |= writeFiles(problems);
      changed |= removeCgroups(problems);
      if (problems.isEmpty() && holding == 0) {
        return new Result(pass, made, removed, written, moved, ended);
      }
      if (!problems.isEmpty() && !changed && !released) {
        released = true;
        if (releaseClaims()) {
          continue;
        }
      }
      if (problems.isEmpty() || !changed) {
        if (holding == 0) {
          break;
        }
        holding--; // everything else is as far as it gets: now the next partitions
      }
    }
    throw failure(problems);
  }

  /**
   * Whether a target file is held back at level {@code level} (see {@link #holding}): a partition the
   * target shows invalid. Such a state comes from the order in which siblings claimed CPUs (a sibling
   * took them before this partition was made root); a partition made root first would be valid, hold
   * its CPUs and refuse the sibling's claim. While held it is kept a {@code member}, so it holds
   * nothing.
   */
  private static boolean held(Map.Entry<String, String> file, int level) {
    return level > 0 && ConfigurationFiles.nameOf(file.getKey()).equals(PARTITION) && file.getValue().contains(" invalid");
  }

  /** Whether the claims in the way were given up once ({@link #releaseClaims}). */
  private boolean released;

  /**
   * Gives up every {@code cpuset.cpus.exclusive} claim that is not yet its target (writes an empty
   * line), once, when the passes are stuck. Siblings' exclusive CPUs may not overlap, so targets that
   * swap CPUs between siblings (a world that had A=0, B=1 and then, through an empty value, A=1,
   * B=0) can never be reached one write at a time: each wants what the other still holds. A user
   * would release both and claim again; the next passes claim. A release the tree refuses is left.
   *
   * @return whether anything was released
   */
  private boolean releaseClaims() {
    boolean changed = false;
    for (Configuration.Cgroup c : target.cgroups()) {
      for (Map.Entry<String, String> f : c.files().entrySet()) {
        if (!ConfigurationFiles.nameOf(f.getKey()).equals(EXCLUSIVE)) {
          continue;
        }
        String path = Configuration.join(c.path(), f.getKey());
        try {
          String now = fs.read(path);
          if (!now.equals(f.getValue()) && !now.isBlank()) {
            fs.write(path, "\n");
            changed = true;
          }
        } catch (CgroupException e) {
          // held by a partition root, or gone: the passes name what still differs
        }
      }
    }
    return changed;
  }

  private static final String EXCLUSIVE = "cpuset.cpus.exclusive";
  private static final String PARTITION = "cpuset.cpus.partition";
  private static final String MEMBER = "member\n";

  private record Problem(Errno errno, String text) {}

  private static CgroupException failure(List<Problem> problems) {
    StringBuilder text = new StringBuilder("cannot restore the configuration: ");
    for (int i = 0; i < Math.min(PROBLEMS_SHOWN, problems.size()); i++) {
      text.append(i == 0 ? "" : "; ").append(problems.get(i).text());
    }
    if (problems.size() > PROBLEMS_SHOWN) {
      text.append("; and ").append(problems.size() - PROBLEMS_SHOWN).append(" more");
    }
    return new CgroupException(problems.getFirst().errno(), text.toString());
  }

  private boolean makeCgroups(List<Problem> problems) {
    Set<String> present = new HashSet<>(Configuration.cgroupsOf(fs));
    boolean changed = false;
    for (Configuration.Cgroup c : target.cgroups()) {
      if (present.contains(c.path())) {
        continue;
      }
      try {
        mkdir(c.path());
        present.add(c.path());
        made++;
        changed = true;
      } catch (CgroupException e) {
        problems.add(new Problem(e.errno(), "mkdir " + c.path() + ": " + e.errno() + " (" + e.getMessage() + ")"));
      }
    }
    return changed;
  }

  /**
   * Makes a cgroup; when an ancestor's {@code cgroup.max.depth} or {@code cgroup.max.descendants}
   * is in the way ({@code EAGAIN}), lifts both on every ancestor and tries again. The kernel lets a
   * limit be set below what exists, so a target may hold cgroups its own limits would refuse to
   * make; the file pass sets the limits to their target afterwards.
   */
  private void mkdir(String path) {
    try {
      fs.mkdir(path);
    } catch (CgroupException e) {
      if (e.errno() != Errno.EAGAIN) {
        throw e;
      }
      for (String a = parentOf(path); a != null; a = parentOf(a)) {
        for (String limit : LIMITS) {
          String file = Configuration.join(a, limit);
          if (!fs.read(file).strip().equals("max")) {
            fs.write(file, "max");
          }
        }
      }
      fs.mkdir(path);
    }
  }

  private static final List<String> LIMITS = List.of("cgroup.max.depth", "cgroup.max.descendants");

  private static String parentOf(String path) {
    if (path.equals("/")) {
      return null;
    }
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  private boolean writeFiles(List<Problem> problems) {
    boolean changed = false;
    for (Configuration.Cgroup c : target.cgroups()) {
      for (Map.Entry<String, String> f : c.files().entrySet()) {
        String path = Configuration.join(c.path(), f.getKey());
        String want = f.getValue();
        String before;
        try {
          before = fs.read(path);
        } catch (CgroupException e) {
          problems.add(new Problem(e.errno(), path + ": " + e.errno() + " (" + e.getMessage() + ")"));
          continue;
        }
        if (held(f, holding)) {
          if (!before.equals(MEMBER)) {
            try {
              fs.write(path, MEMBER);
              changed = true;
            } catch (CgroupException e) {
              problems.add(new Problem(e.errno(), path + ": writing 'member' first: " + e.errno() + " (" + e.getMessage() + ")"));
            }
          }
          continue;
        }
        if (before.equals(want)) {
          continue;
        }
        try {
          for (String value : writesToward(f.getKey(), before, want)) {
            fs.write(path, value);
          }
          written++;
        } catch (CgroupException e) {
          problems.add(new Problem(e.errno(), path + ": writing " + show(want) + ": " + e.errno() + " (" + e.getMessage() + ")"));
          continue;
        }
        String after = fs.read(path);
        changed |= !after.equals(before);
        if (!after.equals(want)) {
          problems.add(new Problem(Errno.EINVAL, path + ": wants " + show(want) + ", reads " + show(after)));
        }
      }
    }
    return changed;
  }

  /** The writes that turn a file reading {@code before} into one reading {@code want}. */
  static List<String> writesToward(String relativePath, String before, String want) {
    String name = ConfigurationFiles.nameOf(relativePath);
    if (name.equals("cgroup.subtree_control")) {
      Set<String> have = words(before);
      Set<String> wanted = words(want);
      List<String> tokens = new ArrayList<>();
      wanted.stream().filter(w -> !have.contains(w)).forEach(w -> tokens.add("+" + w));
      have.stream().filter(h -> !wanted.contains(h)).forEach(h -> tokens.add("-" + h));
      return List.of(String.join(" ", tokens));
    }
    if (name.equals("cpuset.cpus.partition")) {
      String state = want.strip();
      int invalid = state.indexOf(" invalid");
      return List.of(invalid < 0 ? want : state.substring(0, invalid));
    }
    List<String> lines = want.lines().toList();
    if (lines.size() <= 1) {
      return List.of(want);
    }
    return lines.stream().map(l -> l + "\n").toList();
  }

  private static Set<String> words(String text) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : text.strip().split(" +")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  private boolean placeTasks(List<Problem> problems) {
    if (tasks == null) {
      return false;
    }
    boolean changed = false;
    Set<Integer> kept = new HashSet<>();
    for (Placement p : placements) {
      kept.add(p.pid());
      Optional<Task> task = tasks.find(p.pid());
      if (task.isEmpty() || !task.get().name().equals(p.name())) {
        problems.add(new Problem(Errno.ESRCH, "task " + p.pid() + " (" + p.name() + ") is not in this world"
            + task.map(t -> ": pid " + p.pid() + " is " + t.name()).orElse("")));
        continue;
      }
      if (task.get().cgroup().toString().equals(p.cgroup())) {
        continue;
      }
      try {
        tasks.move(p.pid(), CgroupPath.parse(p.cgroup()));
        moved++;
        changed = true;
      } catch (CgroupException e) {
        problems.add(new Problem(e.errno(), "moving task " + p.pid() + " (" + p.name() + ") to " + p.cgroup() + ": "
            + e.errno() + " (" + e.getMessage() + ")"));
      }
    }
    for (Task t : tasks.all()) {
      if (!kept.contains(t.pid())) {
        try {
          tasks.exit(t.pid());
          ended++;
          changed = true;
        } catch (CgroupException e) {
          // it ended by itself meanwhile: what the target wants
        }
      }
    }
    return changed;
  }

  private boolean removeCgroups(List<Problem> problems) {
    Set<String> wanted = new HashSet<>();
    target.cgroups().forEach(c -> wanted.add(c.path()));
    List<String> extra = new ArrayList<>(Configuration.cgroupsOf(fs).stream().filter(p -> !wanted.contains(p)).toList());
    extra.sort(Comparator.comparingLong((String p) -> p.chars().filter(ch -> ch == '/').count()).reversed());
    boolean changed = false;
    for (String path : extra) {
      try {
        fs.rmdir(path);
        removed++;
        changed = true;
      } catch (CgroupException e) {
        problems.add(new Problem(e.errno(), "rmdir " + path + ": " + e.errno() + " (" + e.getMessage() + ")"));
      }
    }
    return changed;
  }

  /** A value as it appears in a message: quoted, with its newlines visible, at most 80 characters. */
  static String show(String value) {
    String shown = value.replace("\n", "\\n");
    return "'" + (shown.length() > 80 ? shown.substring(0, 77) + "..." : shown) + "'";
  }
}
