package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What one per-device folder of one cgroup keeps from scrape to scrape: its files, open (a read of
 * an open file regenerates its content, as a kernfs seq file does, without resolving the path again),
 * and the label sets of its series (built and checked by the Prometheus client once, not at every
 * scrape). Dropped, with its files closed, at the first scrape that no longer finds the folder.
 *
 * <p>Used by one scrape at a time ({@link TreeCollector} serialises them), as an open file must be.
 */
final class FolderCache implements AutoCloseable {
  /** The kinds of series a folder has beyond its base one: which labels they add. */
  enum Extra {
    REGION("region"),
    EVENT("event"),
    ENGINE("engine"),
    RESOURCE("resource"),
    EVENT_REGION("event", "region");

    final String[] names;

    Extra(String... names) {
      this.names = names;
    }
  }

  private final String[] names;
  private final String[] values;
  private final Labels base;
  private final Map<String, OpenFile> files = new HashMap<>();
  private final Map<Extra, Map<String, Labels>> extras = new EnumMap<>(Extra.class);

  /** A folder of a tree whose every series carries {@code treeNames}={@code treeValues} (e.g. {@code node}). */
  FolderCache(String[] treeNames, String[] treeValues, String cgroup, String device) {
    names = concat(treeNames, "cgroup", "device");
    values = concat(treeValues, cgroup, device);
    base = Labels.of(names, values);
  }

  Labels base() {
    return base;
  }

  /** The labels of a series with one more label. */
  Labels with(Extra extra, String value) {
    Map<String, Labels> m = map(extra);
    Labels l = m.get(value);
    if (l == null) {
      l = Labels.of(concat(names, extra.names[0]), concat(values, value));
      m.put(value, l);
    }
    return l;
  }

  /** The labels of a series with two more labels ({@link Extra#EVENT_REGION}). */
  Labels with(Extra extra, String value1, String value2) {
    Map<String, Labels> m = map(extra);
    String key = value1 + '\0' + value2;
    Labels l = m.get(key);
    if (l == null) {
      l = Labels.of(concat(names, extra.names[0], extra.names[1]), concat(values, value1, value2));
      m.put(key, l);
    }
    return l;
  }

  private Map<String, Labels> map(Extra extra) {
    return extras.computeIfAbsent(extra, e -> new HashMap<>());
  }

  /**
   * The current content of a file of this folder, through its open file. A file whose handle went
   * stale is opened once more (a file can go and come back, e.g. a controller disabled and enabled
   * between scrapes); failing that, the error goes up.
   *
   * @throws CgroupException {@code ENOENT}/{@code ENODEV} when the folder is gone
   */
  String read(CgroupFs fs, String folder, String name) {
    OpenFile f = files.get(name);
    if (f != null) {
      try {
        return f.read();
      } catch (CgroupException e) {
        files.remove(name);
        f.close();
      }
    }
    f = fs.open(folder + "/" + name, OpenOptions.READ);
    files.put(name, f);
    return f.read();
  }

  @Override
  public void close() {
    for (OpenFile f : files.values()) {
      f.close();
    }
    files.clear();
  }

  private static String[] concat(String[] head, String... tail) {
    String[] out = new String[head.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
