package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controllers every cgroup of one tree shows, for {@link TreeScan}: each cgroup's {@code
 * cgroup.controllers} is kept open from scrape to scrape and read at every scrape (never a stale
 * answer), but parsed again only when its content changed. A cgroup the last scrape did not find has
 * its file closed ({@link #retire}).
 *
 * <p>{@link #of} is called by the scrape's threads at once, for different cgroups; {@link #retire}
 * and {@link #close} by the scrape's caller, with no walk running.
 */
final class ControllerSets implements TreeScan.Controllers, AutoCloseable {
  /** One cgroup's file and what it said last. */
  private static final class Entry {
    OpenFile file;
    String content;
    Set<String> controllers;
    long seenBy;
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  /** The number of the scrape that walks; set before the walk starts. */
  private volatile long scrape;

  /** Before a walk: the number of the scrape (increasing), which {@link #retire} is given after it. */
  void begin(long scrape) {
    this.scrape = scrape;
  }

  @Override
  public Set<String> of(CgroupFs fs, String cgroup) {
    Entry e = entries.get(cgroup);
    if (e == null) {
      e = entries.computeIfAbsent(cgroup, c -> new Entry());
    }
    e.seenBy = scrape;
    String content = read(fs, cgroup, e);
    if (!content.equals(e.content)) {
      e.controllers = Set.copyOf(TreeScan.parseControllers(content));
      e.content = content;
    }
    return e.controllers;
  }

  /** The file's content through the kept handle; a stale handle is opened once more. */
  private static String read(CgroupFs fs, String cgroup, Entry e) {
    if (e.file != null) {
      try {
        return e.file.read();
      } catch (CgroupException stale) {
        e.file.close();
        e.file = null;
      }
    }
    e.file = fs.open(cgroup + "/cgroup.controllers", OpenOptions.READ);
    return e.file.read();
  }

  /** After a walk: closes the files of the cgroups it did not find, keeps the others for the next. */
  void retire(long scrape) {
    entries.values().removeIf(e -> {
      if (e.seenBy == scrape) {
        return false;
      }
      close(e);
      return true;
    });
  }

  @Override
  public void close() {
    entries.values().forEach(ControllerSets::close);
    entries.clear();
  }

  private static void close(Entry e) {
    if (e.file != null) {
      e.file.close();
    }
  }
}
