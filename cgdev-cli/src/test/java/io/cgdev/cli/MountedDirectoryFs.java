package io.cgdev.cli;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A {@link CgroupFs} over a real folder (a {@code cgdev mount}), through the JDK's file calls, so
 * that what reads a tree through the file view ({@link io.cgdev.state.Configuration#read}) can read
 * the mount as a client sees it. Entries are listed in the folder's readdir order with the modes
 * {@code stat} reports. A missing path is {@code ENOENT}, a file used as a folder {@code ENOTDIR},
 * any other failure {@code EIO} with the JDK's reason in the message (the JDK does not expose the
 * errno).
 */
final class MountedDirectoryFs implements CgroupFs {
  private final Path root;

  MountedDirectoryFs(Path root) {
    this.root = root;
  }

  @Override
  public List<FsEntry> list(String path) {
    List<FsEntry> out = new ArrayList<>();
    try (Stream<Path> children = Files.list(resolve(path))) {
      for (Path child : (Iterable<Path>) children::iterator) {
        out.add(entry(child));
      }
    } catch (IOException e) {
      throw failure(path, e);
    }
    return out;
  }

  @Override
  public FsEntry stat(String path) {
    try {
      return entry(resolve(path));
    } catch (IOException e) {
      throw failure(path, e);
    }
  }

  @Override
  public OpenFile open(String path, OpenOptions options) {
    List<OpenOption> modes = new ArrayList<>();
    if (options.read()) {
      modes.add(StandardOpenOption.READ);
    }
    if (options.write()) {
      modes.add(StandardOpenOption.WRITE);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(resolve(path), modes.toArray(OpenOption[]::new));
    } catch (IOException e) {
      throw failure(path, e);
    }
    return new OpenFile() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public String read() {
        try {
          ByteBuffer buffer = ByteBuffer.allocate(CgroupFs.MAX_WRITE_BYTES * 16);
          java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
          channel.position(0);
          while (channel.read(buffer) > 0) {
            bytes.write(buffer.array(), 0, buffer.position());
            buffer.clear();
          }
          return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw failure(path, e);
        }
      }

      @Override
      public void write(String value) {
        try {
          channel.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
          throw failure(path, e);
        }
      }

      @Override
      public void close() {
        try {
          channel.close();
        } catch (IOException e) {
          throw failure(path, e);
        }
      }
    };
  }

  @Override
  public void mkdir(String path) {
    try {
      Files.createDirectory(resolve(path));
    } catch (IOException e) {
      throw failure(path, e);
    }
  }

  @Override
  public void rmdir(String path) {
    try {
      Files.delete(resolve(path));
    } catch (IOException e) {
      throw failure(path, e);
    }
  }

  private Path resolve(String path) {
    return path.equals("/") ? root : root.resolve(path.substring(1));
  }

  private static FsEntry entry(Path p) throws IOException {
    Map<String, Object> attributes = Files.readAttributes(p, "unix:mode,isDirectory", LinkOption.NOFOLLOW_LINKS);
    boolean directory = (Boolean) attributes.get("isDirectory");
    int mode = (Integer) attributes.get("mode") & 07777;
    return new FsEntry(p.getFileName().toString(), directory ? FsEntry.Kind.DIRECTORY : FsEntry.Kind.FILE, mode);
  }

  private static CgroupException failure(String path, IOException e) {
    Errno errno = e instanceof NoSuchFileException ? Errno.ENOENT : e instanceof NotDirectoryException ? Errno.ENOTDIR
        : Errno.EIO;
    return new CgroupException(errno, path + ": " + e, e);
  }
}
