package io.cgdev.state;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.util.List;

/**
 * A {@link CgroupFs} that keeps every change in a {@link Journal}: {@code mkdir}, {@code rmdir} and
 * every successful write of a file whose writes are kept ({@link ConfigurationFiles#isKept}) are
 * recorded and on disk before the call returns. Reads pass straight through. Thread-safe as the file
 * view it wraps; changes are serialised by the journal's lock.
 */
final class JournalingFs implements CgroupFs {
  private final CgroupFs fs;
  private final Journal journal;

  JournalingFs(CgroupFs fs, Journal journal) {
    this.fs = fs;
    this.journal = journal;
  }

  @Override
  public List<FsEntry> list(String path) {
    return fs.list(path);
  }

  @Override
  public FsEntry stat(String path) {
    return fs.stat(path);
  }

  @Override
  public OpenFile open(String path, OpenOptions options) {
    OpenFile file = fs.open(path, options);
    return options.write() ? new JournalingFile(file, options) : file;
  }

  @Override
  public void mkdir(String path) {
    journal.change(() -> fs.mkdir(path), Op.of("mkdir", path));
  }

  @Override
  public void rmdir(String path) {
    journal.change(() -> fs.rmdir(path), Op.of("rmdir", path));
  }

  /** The write op of a state file: the caller's pid and the non-blocking flag only when they are set. */
  static Op writeOp(String path, String value, OpenOptions options) {
    if (options.callerPid() == 0 && !options.nonBlocking()) {
      return Op.of("write", path, value);
    }
    return Op.of("write", path, value, options.callerPid(), options.nonBlocking() ? 1 : 0);
  }

  /** An open file whose writes are journaled. */
  private final class JournalingFile implements OpenFile {
    private final OpenFile file;
    private final OpenOptions options;
    private final boolean kept;

    JournalingFile(OpenFile file, OpenOptions options) {
      this.file = file;
      this.options = options;
      this.kept = ConfigurationFiles.isKept(ConfigurationFiles.nameOf(file.path()));
    }

    @Override
    public String path() {
      return file.path();
    }

    @Override
    public String read() {
      return file.read();
    }

    @Override
    public void write(String value) {
      if (!kept || value.isEmpty()) { // an empty write changes nothing (write(2) of 0 bytes)
        file.write(value);
        return;
      }
      journal.change(() -> file.write(value), writeOp(file.path(), value, options));
    }

    @Override
    public void close() {
      file.close();
    }
  }
}
