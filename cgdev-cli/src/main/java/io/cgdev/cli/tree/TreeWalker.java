package io.cgdev.cli.tree;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Walks the file view from a folder down and renders it: as text like {@code tree(1)}, with the
 * values of readable files inline, or as JSON ({@code {"path", "files": {name: content}, "dirs":
 * {name: ...}}}). Core files ({@code cgroup.*}) are left out unless asked for, so that the
 * per-device files stand out. Reads only; a file that fails to read shows its errno instead.
 */
public final class TreeWalker {
  private static final int MAX_INLINE = 72;

  private final CgroupFs fs;
  private boolean coreFiles;
  private boolean values = true;
  private java.util.function.Predicate<String> fileFilter = name -> true;
  private long cgroupsLeft = Long.MAX_VALUE;

  public TreeWalker(CgroupFs fs) {
    this.fs = Objects.requireNonNull(fs, "fs");
  }

  /** Include the {@code cgroup.*} core files (default: no). */
  public TreeWalker coreFiles(boolean include) {
    this.coreFiles = include;
    return this;
  }

  /** Show only the files whose names pass (folders always show); default: all. */
  public TreeWalker files(java.util.function.Predicate<String> filter) {
    this.fileFilter = Objects.requireNonNull(filter, "filter");
    return this;
  }

  /**
   * Render at most {@code n} cgroups below the start (default: all); the folders left out are
   * summed up in one line per level, so the output of a huge tree stays short.
   */
  public TreeWalker maxCgroups(long n) {
    this.cgroupsLeft = n;
    return this;
  }

  /** Show file values inline (default: yes). */
  public TreeWalker values(boolean show) {
    this.values = show;
    return this;
  }

  /**
   * Renders the tree under {@code path} as text, one entry a line.
   *
   * @throws CgroupException {@code ENOENT} / {@code ENOTDIR} for the starting folder
   */
  public String render(String path) {
    FsEntry root = fs.stat(path);
    StringBuilder sb = new StringBuilder();
    sb.append(path).append(root.isDirectory() && !path.equals("/") ? "/" : "").append('\n');
    if (root.isDirectory()) {
      renderChildren(sb, path, "");
    }
    return sb.toString();
  }

  private void renderChildren(StringBuilder sb, String dir, String indent) {
    List<FsEntry> entries = fs.list(dir).stream().filter(this::shown).toList();
    // folders last so that a cgroup's own files stay next to its name
    List<FsEntry> ordered = new java.util.ArrayList<>(entries.stream().filter(e -> !e.isDirectory()).toList());
    ordered.addAll(entries.stream().filter(FsEntry::isDirectory).toList());
    for (int i = 0; i < ordered.size(); i++) {
      FsEntry e = ordered.get(i);
      boolean last = i == ordered.size() - 1;
      String child = join(dir, e.name());
      if (e.isDirectory() && isCgroup(dir, e) && cgroupsLeft-- <= 0) {
        long more = ordered.subList(i, ordered.size()).stream().filter(x -> x.isDirectory() && isCgroup(dir, x)).count();
        sb.append(indent).append("└── … ").append(more).append(more == 1 ? " more cgroup" : " more cgroups")
            .append(" ('cgdev tree' shows them all)\n");
        return;
      }
      sb.append(indent).append(last ? "└── " : "├── ").append(e.name());
      if (e.isDirectory()) {
        sb.append("/\n");
        renderChildren(sb, child, indent + (last ? "    " : "│   "));
      } else {
        if (values && e.readable()) {
          sb.append(" = ").append(inline(readQuietly(child)));
        }
        sb.append('\n');
      }
    }
  }

  /**
   * A cgroup's folder, not a per-device one ({@code <controller>.devices/<device>/}, or {@code
   * devices/<device>/} in the other layout): per-device folders hold no {@code cgroup.procs}.
   */
  private boolean isCgroup(String dir, FsEntry e) {
    try {
      fs.stat(join(join(dir, e.name()), "cgroup.procs"));
      return true;
    } catch (CgroupException notACgroup) {
      return false;
    }
  }

  private boolean shown(FsEntry e) {
    return e.isDirectory() || ((coreFiles || !e.name().startsWith("cgroup.")) && fileFilter.test(e.name()));
  }

  /**
   * The tree under {@code path} as JSON: every folder an object with its path, its readable files
   * and their full content, and its sub-folders by name.
   */
  public ObjectNode json(String path) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("path", path);
    ObjectNode files = node.putObject("files");
    ObjectNode dirs = node.putObject("dirs");
    for (FsEntry e : fs.list(path)) {
      String child = join(path, e.name());
      if (e.isDirectory()) {
        dirs.set(e.name(), json(child));
      } else if (shown(e) && e.readable()) {
        files.put(e.name(), readQuietly(child));
      }
    }
    return node;
  }

  private String readQuietly(String path) {
    try {
      return fs.read(path);
    } catch (CgroupException ex) {
      return "<" + ex.errno().name() + ">\n";
    }
  }

  /** One line for a file's content: lines joined with {@code ; }, cut at a readable width. */
  static String inline(String content) {
    String s = content.strip().replace("\n", "; ");
    if (s.isEmpty()) {
      return "\"\"";
    }
    return s.length() > MAX_INLINE ? s.substring(0, MAX_INLINE - 1) + "…" : s;
  }

  /** Joins a folder and a name into a path. */
  public static String join(String dir, String name) {
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }
}
