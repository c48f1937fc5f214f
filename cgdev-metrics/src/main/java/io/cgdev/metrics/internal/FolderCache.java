package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.prometheus.metrics.model.snapshots.Labels;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * What one per-device folder of one cgroup keeps from scrape to scrape: its files, open (a read of
 * an open file regenerates its content, as a kernfs seq file does, without resolving the path again),
 * and its labels: the text format's label block, and the client's label sets (built and checked by the
 * Prometheus client once, not at every scrape), each built when first asked for. Dropped, with its
 * files closed, at the first scrape that no longer finds the folder.
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
  private byte[] text;
  private Labels base;
  private final Map<String, OpenFile> files = new HashMap<>();
  private final Map<Extra, Map<String, Labels>> extras = new EnumMap<>(Extra.class);

  /** A folder of a tree whose every series carries {@code treeNames}={@code treeValues} (e.g. {@code node}). */
  FolderCache(String[] treeNames, String[] treeValues, String cgroup, String device) {
    names = concat(treeNames, "cgroup", "device");
    values = concat(treeValues, cgroup, device);
  }

  /** The text format's labels of the folder, {@code {cgroup="/a",device="i915.0"}, without the closing brace. */
  byte[] textLabels() {
    if (text == null) {
      text = TextExposition.labelBlock(names, values).getBytes(StandardCharsets.UTF_8);
    }
    return text;
  }

  /**
   * The client's labels of a series of this folder.
   *
   * @param extra the labels it adds, or null for the folder's base series
   * @param value1 the first added label's value
   * @param value2 the second's ({@link Extra#EVENT_REGION}), else null
   */
  Labels labels(Extra extra, String value1, String value2) {
    if (extra == null) {
      if (base == null) {
        base = Labels.of(names, values);
      }
      return base;
    }
    Map<String, Labels> m = extras.computeIfAbsent(extra, e -> new HashMap<>());
    String key = value2 == null ? value1 : value1 + '\0' + value2;
    Labels l = m.get(key);
    if (l == null) {
      l = value2 == null ? Labels.of(concat(names, extra.names[0]), concat(values, value1))
          : Labels.of(concat(names, extra.names), concat(values, value1, value2));
      m.put(key, l);
    }
    return l;
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

  static String[] concat(String[] head, String... tail) {
    String[] out = new String[head.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
