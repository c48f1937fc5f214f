package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A file view over a map of paths to contents, for the shapes the core does not serve yet (memcg-exact
 * single-region files, swap and pressure files, tiles as devices). Folders are implied by the files.
 * Open files read the current content and fail with {@code ENODEV} once their file is gone.
 */
final class FakeFs implements CgroupFs {
  final Map<String, String> files = new TreeMap<>();
  final AtomicInteger open = new AtomicInteger();

  void put(String path, String content) {
    files.put(path, content);
  }

  /** Removes a folder and everything below it. */
  void remove(String folder) {
    files.keySet().removeIf(p -> p.startsWith(folder + "/"));
  }

  @Override
  public List<FsEntry> list(String path) {
    String prefix = path.equals("/") ? "/" : path + "/";
    TreeMap<String, FsEntry> out = new TreeMap<>();
    for (String p : files.keySet()) {
      if (p.startsWith(prefix)) {
        String rest = p.substring(prefix.length());
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        out.put(name, new FsEntry(name, slash < 0 ? FsEntry.Kind.FILE : FsEntry.Kind.DIRECTORY, slash < 0 ? 0444 : 0755));
      }
    }
    if (out.isEmpty() && !path.equals("/")) {
      throw CgroupException.of(Errno.ENOENT, "%s: no such folder", path);
    }
    return new ArrayList<>(out.values());
  }

  @Override
  public FsEntry stat(String path) {
    throw new UnsupportedOperationException();
  }

  @Override
  public OpenFile open(String path, OpenOptions options) {
    if (!files.containsKey(path)) {
      throw CgroupException.of(Errno.ENOENT, "%s: no such file", path);
    }
    open.incrementAndGet();
    return new OpenFile() {
      boolean closed;

      @Override
      public String path() {
        return path;
      }

      @Override
      public String read() {
        String content = files.get(path);
        if (content == null) {
          throw CgroupException.of(Errno.ENODEV, "%s: gone", path);
        }
        return content;
      }

      @Override
      public void write(String value) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          open.decrementAndGet();
        }
      }
    };
  }

  @Override
  public void mkdir(String path) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void rmdir(String path) {
    throw new UnsupportedOperationException();
  }
}
