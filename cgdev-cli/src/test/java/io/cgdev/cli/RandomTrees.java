package io.cgdev.cli;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.state.Configuration;
import io.cgdev.state.ConfigurationFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random changes to a tree of the real world (the i915 model with memory, cpu and cpuset), through
 * any {@link CgroupFs}: mkdir, rmdir, and writes to configuration files found by mode, with values
 * drawn for the file's name (valid most of the time, so that trees grow rich; a refused change
 * changes nothing). Other files (memory's among them: their syntax is the controller's business)
 * get a line of what they read back, its numbers and {@code max} words redrawn.
 */
final class RandomTrees {
  private static final String[] NAMES = {"a", "b", "c", "web", "db", "x y", "\u00e9t\u00e9"};

  private RandomTrees() {}

  /** One change that the tree accepted, or {@code null} after {@code attempts} refusals. */
  static Change change(CgroupFs fs, Random random) {
    for (int attempt = 0; attempt < 20; attempt++) {
      Change c = propose(fs, random);
      if (c == null) {
        continue;
      }
      try {
        c.apply(fs);
        return c;
      } catch (CgroupException e) {
        // refused: nothing changed; draw another
      }
    }
    return null;
  }

  /** A change: {@code mkdir PATH}, {@code rmdir PATH} or {@code write PATH VALUE}. */
  record Change(String op, String path, String value) {
    void apply(CgroupFs fs) {
      switch (op) {
        case "mkdir" -> fs.mkdir(path);
        case "rmdir" -> fs.rmdir(path);
        default -> fs.write(path, value);
      }
    }

    @Override
    public String toString() {
      return op + " " + path + (value == null ? "" : " '" + value.replace("\n", "\\n") + "'");
    }
  }

  static Change propose(CgroupFs fs, Random random) {
    List<String> cgroups = cgroups(fs);
    String cgroup = cgroups.get(random.nextInt(cgroups.size()));
    String prefix = cgroup.equals("/") ? "" : cgroup;
    int kind = random.nextInt(10);
    if (kind < 2 && cgroups.size() < 12) {
      return new Change("mkdir", prefix + "/" + NAMES[random.nextInt(NAMES.length)], null);
    }
    if (kind == 2 && !cgroup.equals("/")) {
      return new Change("rmdir", cgroup, null);
    }
    List<String> files = new ArrayList<>();
    collectFiles(fs, cgroup, prefix, files);
    if (files.isEmpty()) {
      return null;
    }
    // the controllers' files are where the variety is: pick them twice as often as the core's
    List<String> controllerFiles = files.stream().filter(f -> !f.substring(f.lastIndexOf('/') + 1).startsWith("cgroup.")).toList();
    List<String> from = !controllerFiles.isEmpty() && random.nextInt(3) > 0 ? controllerFiles : files;
    String path = from.get(random.nextInt(from.size()));
    return new Change("write", path, value(fs, path, random));
  }

  private static void collectFiles(CgroupFs fs, String folder, String prefix, List<String> out) {
    for (FsEntry e : fs.list(folder)) {
      String path = prefix + "/" + e.name();
      if (e.isDirectory()) {
        if (!isCgroup(fs, path)) {
          collectFiles(fs, path, path, out);
        }
      } else if (ConfigurationFiles.isConfiguration(e)) {
        out.add(path);
      }
    }
  }

  private static boolean isCgroup(CgroupFs fs, String folder) {
    return fs.list(folder).stream().anyMatch(e -> e.name().equals("cgroup.procs"));
  }

  static List<String> cgroups(CgroupFs fs) {
    List<String> out = new ArrayList<>();
    for (Configuration.Cgroup c : Configuration.read(fs).cgroups()) {
      out.add(c.path());
    }
    return out;
  }

  private static String value(CgroupFs fs, String path, Random random) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return switch (name) {
      case "cgroup.subtree_control" -> {
        String folder = path.substring(0, path.lastIndexOf('/'));
        String[] available = fs.read((folder.isEmpty() ? "" : folder) + "/cgroup.controllers").strip().split(" ");
        StringBuilder v = new StringBuilder();
        for (String c : available) {
          if (!c.isEmpty() && random.nextInt(3) > 0) {
            // enabling and disabling: a disable kills the children's states and a later enable shows
            // fresh ones, as the kernel's css kill/create, so nothing hidden outlives a snapshot
            v.append(v.isEmpty() ? "" : " ").append(random.nextInt(3) > 0 ? "+" : "-").append(c);
          }
        }
        yield v.toString();
      }
      case "cgroup.max.depth", "cgroup.max.descendants" -> random.nextInt(4) == 0 ? "max" : Integer.toString(random.nextInt(6));
      case "cpu.weight" -> Integer.toString(1 + random.nextInt(10000));
      case "cpu.weight.nice" -> Integer.toString(random.nextInt(40) - 20);
      case "cpu.max" -> {
        String quota = random.nextInt(3) == 0 ? "max" : Integer.toString(1000 + random.nextInt(200000));
        yield random.nextBoolean() ? quota : quota + " " + (1000 + random.nextInt(999001));
      }
      case "cpu.max.burst" -> Integer.toString(random.nextInt(20000));
      case "cpuset.cpus", "cpuset.cpus.exclusive" -> list(random, 9);
      case "cpuset.mems" -> list(random, 2);
      case "cpuset.cpus.partition" -> new String[] {"member", "root", "isolated"}[random.nextInt(3)];
      default -> {
        // any other file (memory limits among them, whatever their syntax): a line it reads back,
        // its numbers and "max" words redrawn most of the time
        List<String> lines = fs.read(path).lines().toList();
        String line = lines.isEmpty() ? "" : lines.get(random.nextInt(lines.size()));
        yield random.nextInt(4) == 0 ? line : redrawNumbers(line, random);
      }
    };
  }

  /** {@code line} with each token that is a number or {@code max} replaced by a drawn size. */
  private static String redrawNumbers(String line, Random random) {
    String[] tokens = line.split(" ", -1);
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i].equals("max") || (!tokens[i].isEmpty() && tokens[i].chars().allMatch(ch -> ch >= '0' && ch <= '9'))) {
        tokens[i] = size(random);
      }
    }
    return String.join(" ", tokens);
  }

  private static String size(Random random) {
    return random.nextInt(4) == 0 ? "max" : (1 + random.nextInt(4096)) + "M";
  }

  private static String list(Random random, int ids) {
    StringBuilder v = new StringBuilder();
    for (int i = 0; i < ids; i++) {
      if (random.nextInt(3) == 0) {
        v.append(v.isEmpty() ? "" : ",").append(i);
      }
    }
    return v.isEmpty() ? "\n" : v.toString();
  }
}
