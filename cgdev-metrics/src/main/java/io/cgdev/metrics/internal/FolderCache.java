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
 * an open file regenerates its content, as a kernfs seq file does, without resolving the path again);
 * per file, the text format's samples made from the content last read ({@link #rendered}), so that
 * a file whose content did not change is not parsed and formatted again (every file is still read at
 * every scrape: the content read is the only change signal, and values are never older than the
 * scrape); and its labels: the text format's label block, and the client's label sets (built and
 * checked by the Prometheus client once, not at every scrape), each built when first asked for.
 * Dropped, with its files closed, at the first scrape that no longer finds the folder.
 *
 * <p>Used by one thread at a time: a scrape visits each folder once, from one of its threads, and
 * {@link TreeCollector} runs one scrape at a time, as an open file must be used.
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

  /** The number of the last scrape that found the folder (written by a walk thread, read after the walk). */
  long seenBy;
  private final String[] names;
  private final String[] values;
  private byte[] text;
  private Labels base;
  private final Map<String, Slot> files = new HashMap<>();
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
    Slot s = files.get(name);
    if (s != null) {
      try {
        return s.file.read();
      } catch (CgroupException e) {
        files.remove(name);
        s.file.close();
      }
    }
    OpenFile f = fs.open(folder + "/" + name, OpenOptions.READ);
    s = new Slot(f);
    files.put(name, s);
    return f.read();
  }

  /**
   * The samples the text format made of this content of this file, or null when they were made of
   * other content (or never): the caller parses it and {@link #keep}s the result.
   */
  TextExposition.Rendered rendered(String name, String content) {
    Slot s = files.get(name);
    return s != null && s.rendered != null && content.equals(s.content) ? s.rendered : null;
  }

  /** Keeps the samples made of this content of a file that {@link #read} read, for the next scrape. */
  void keep(String name, String content, TextExposition.Rendered rendered) {
    Slot s = files.get(name);
    if (s != null) {
      s.content = content;
      s.rendered = rendered;
    }
  }

  @Override
  public void close() {
    for (Slot s : files.values()) {
      s.file.close();
    }
    files.clear();
  }

  /** One file of the folder: its open handle, and the text made of the content it last read. */
  private static final class Slot {
    final OpenFile file;
    String content;
    TextExposition.Rendered rendered;

    Slot(OpenFile file) {
      this.file = file;
    }
  }

  static String[] concat(String[] head, String... tail) {
    String[] out = new String[head.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}
