package io.cgdev.state;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The file operations a state file needs, with the durability each promises; {@link FileDisk} does
 * them on the real file system, tests substitute a disk that forgets what was not forced. Called
 * under the journal's lock, except {@link Appender#force}, which the group commit calls outside it.
 */
interface Disk {
  /** The whole content of {@code file}, or {@code null} if it does not exist. */
  byte[] read(Path file) throws IOException;

  /** Opens the existing {@code file} for appending. */
  Appender append(Path file) throws IOException;

  /**
   * Makes {@code content} the content of {@code file}, atomically and durably: once this returns,
   * a crash leaves the new content; if it throws or the machine crashes before it returns, the file
   * holds the old content or the new, never a mix.
   */
  void replace(Path file, byte[] content) throws IOException;

  /** Cuts {@code file} to {@code length} bytes, durably. */
  void truncate(Path file, long length) throws IOException;

  /** Removes a temporary file a replace left behind when it was interrupted; true if there was one. */
  boolean removeLeftover(Path file) throws IOException;

  /**
   * Takes the lock that keeps a second process (or a second state file in this one) off {@code
   * file}; {@code null} if someone holds it. The lock ends with the process, also on SIGKILL.
   */
  Closeable lock(Path file) throws IOException;

  /** An open file that grows at its end. */
  interface Appender extends Closeable {
    /** Appends all of {@code bytes} in one write: after a crash the file ends within or after them. */
    void write(byte[] bytes) throws IOException;

    /** Returns once everything written so far survives a crash. */
    void force() throws IOException;
  }
}
