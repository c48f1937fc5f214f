package io.cgdev.state;

import io.cgdev.api.OwnershipChange;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Task;
import io.cgdev.api.Tasks;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.SequencedMap;

/**
 * A tree's configuration kept in a file across restarts and crashes.
 *
 * <pre>{@code
 * try (StateFile state = StateFile.open(Path.of("tree.state"), base, cgroups.fs(), cgroups.tasks())) {
 *   CgroupFs fs = state.fs();          // use this view: its changes are kept
 *   fs.mkdir("/a");                     // on disk when mkdir returns
 *   fs.write("/a/cgroup.max.depth", "2");
 * }                                     // after SIGKILL or power loss: open again, the tree is back
 * }</pre>
 *
 * <p><b>The file</b> is an append-only journal (docs/STATE.md shows one): a header ({@code
 * cgdev-state 1}), the {@link StateBase base} the records apply to, optionally a checkpoint (the
 * whole configuration, its tasks' places and the recorded owners, as a compaction wrote it), then one
 * line per change, each with a CRC ({@link RecordCodec}). {@link #open} replays it onto the given
 * world — the checkpoint with {@link TreeRestore}, then every record exactly as it was made — and
 * from then on {@link #fs()} appends each change and forces it to disk before returning ({@link
 * Journal}). The world must be the base: booted with the same plugins, options and layout, with the
 * same scenario (if any) built and its tasks spawned, and nothing else changed.
 *
 * <p><b>After a crash</b> the tree is as it was after some prefix of the changes, in the order they
 * were made, holding at least every change that was acknowledged (whose call returned; through FUSE:
 * whose reply was sent). The one damage a crash can do to the file — a torn last record, which was
 * never acknowledged — is dropped, cut from the file and reported in {@link Replay#notes()}; any other
 * damage, an unknown version or another base is a {@link StateException} naming the file and line,
 * and nothing is changed on disk.
 *
 * <p>Thread-safe. One process at a time uses a state file ({@code FILE.lock}, an {@code fcntl} lock
 * the kernel drops when the process dies); {@link #load} reads one that another process is serving.
 */
public final class StateFile implements AutoCloseable {
  /** Records after which the journal is compacted, unless {@link #COMPACT_AFTER_PROPERTY} says otherwise. */
  public static final int DEFAULT_COMPACT_AFTER = 10_000;
  /** A system property overriding {@link #DEFAULT_COMPACT_AFTER} (tests set it low). */
  public static final String COMPACT_AFTER_PROPERTY = "cgdev.state.compactAfter";

  /**
   * How a state file is kept.
   *
   * @param compactAfter records after which the journal is replaced by a checkpoint, at least 1
   */
  public record Options(int compactAfter) {
    public Options {
      if (compactAfter < 1) {
        throw new IllegalArgumentException("compactAfter must be at least 1: " + compactAfter);
      }
    }

    /** {@link #DEFAULT_COMPACT_AFTER}, or the value of {@link #COMPACT_AFTER_PROPERTY}. */
    public static Options defaults() {
      String property = System.getProperty(COMPACT_AFTER_PROPERTY);
      return new Options(property == null ? DEFAULT_COMPACT_AFTER : Integer.parseInt(property.strip()));
    }
  }

  /**
   * What opening a state file found and did.
   *
   * @param created the file was made now (it did not exist or was empty)
   * @param checkpointLine the line of the checkpoint restored, 0 if there was none
   * @param restore what restoring the checkpoint did, {@code null} without one
   * @param records the records replayed after the checkpoint
   * @param notes what was recovered from, one sentence each ({@code FILE:LINE: ...})
   * @param ownership the ownership changes recorded, in order, for the front end to apply
   */
  public record Replay(boolean created, int checkpointLine, TreeRestore.Result restore, int records, List<String> notes,
      List<OwnershipChange> ownership) {
    public Replay {
      notes = List.copyOf(notes);
      ownership = List.copyOf(ownership);
    }

    /** One line for a log or the console. */
    public String summary() {
      if (created) {
        return "new state";
      }
      String what = records + (records == 1 ? " change" : " changes") + " replayed";
      return checkpointLine > 0 ? "a checkpoint and " + what : what;
    }
  }

  private final Path file;
  private final StateBase base;
  private final CgroupFs fs;
  private final Tasks tasks;
  private final Closeable lock;
  private final OwnershipModel owners;
  private final Journal journal;
  private final JournalingFs view;
  private final Replay replay;

  private StateFile(Path file, StateBase base, CgroupFs fs, Tasks tasks, Disk disk, Closeable lock, OwnershipModel owners,
      Disk.Appender out, int sinceCheckpoint, Options options, Replay replay) {
    this.file = file;
    this.base = base;
    this.fs = fs;
    this.tasks = tasks;
    this.lock = lock;
    this.owners = owners;
    this.journal = new Journal(disk, file, out, sinceCheckpoint, options.compactAfter(), this::checkpointLines);
    this.view = new JournalingFs(fs, journal);
    this.replay = replay;
  }

  /** As {@link #open(Path, StateBase, CgroupFs, Tasks, Options)} with {@link Options#defaults()}. */
  public static StateFile open(Path file, StateBase base, CgroupFs fs, Tasks tasks) {
    return open(file, base, fs, tasks, Options.defaults());
  }

  /**
   * Opens the state file {@code file}, making it if it does not exist (or is empty), and replays
   * it onto {@code fs} and {@code tasks}, which must show the {@code base}. Call once per world,
   * before anything else changes it.
   *
   * @throws StateException the file is in use, unreadable, not a state file, of another version,
   *     corrupt, made on another base, or a record of it is refused by this world
   */
  public static StateFile open(Path file, StateBase base, CgroupFs fs, Tasks tasks, Options options) {
    return open(FileDisk.INSTANCE, file, base, fs, tasks, options);
  }

  static StateFile open(Disk disk, Path file, StateBase base, CgroupFs fs, Tasks tasks, Options options) {
    Objects.requireNonNull(base, "base");
    Closeable lock = lock(disk, file);
    try {
      List<String> notes = new ArrayList<>();
      if (disk.removeLeftover(file)) {
        notes.add(file + ".tmp: removed; a compaction was interrupted before it replaced the file, which is whole");
      }
      byte[] bytes = disk.read(file);
      OwnershipModel owners = new OwnershipModel();
      Replay replay;
      Loaded loaded;
      if (bytes == null || bytes.length == 0) {
        disk.replace(file, (JournalReader.HEADER + "\n" + RecordCodec.encode(List.of(base.op())))
            .getBytes(StandardCharsets.ISO_8859_1));
        loaded = new Loaded(0, 0, null, List.of(), null, 0);
        replay = new Replay(true, 0, null, 0, notes, List.of());
      } else {
        loaded = replayInto(file, bytes, base, fs, tasks, owners, false);
        if (loaded.tornNote() != null) {
          disk.truncate(file, loaded.goodLength());
          notes.add(loaded.tornNote() + "; cut from the file");
        }
        replay = new Replay(false, loaded.checkpointLine(), loaded.restore(), loaded.records(), notes, loaded.ownership());
      }
      Disk.Appender out = disk.append(file);
      StateFile state = new StateFile(file, base, fs, tasks, disk, lock, owners, out, loaded.records(), options, replay);
      if (loaded.records() >= options.compactAfter()) {
        state.journal.compact();
      }
      return state;
    } catch (IOException e) {
      closeQuietly(lock);
      throw new StateException(file, 0, "cannot use the state file: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeQuietly(lock);
      throw e;
    }
  }

  /**
   * Makes a new state file holding the tree {@code fs} and {@code tasks} show now as its checkpoint
   * ({@code cgdev restore --state}), and keeps it from then on as {@link #open} does.
   *
   * @throws StateException if {@code file} exists and is not empty, or cannot be written
   */
  public static StateFile create(Path file, StateBase base, CgroupFs fs, Tasks tasks) {
    Disk disk = FileDisk.INSTANCE;
    Closeable lock = lock(disk, file);
    try {
      byte[] existing = disk.read(file);
      if (existing != null && existing.length > 0) {
        throw new StateException(file, 0, "exists already; a new state is only written to a new file (remove it, or"
            + " choose another name)");
      }
      OwnershipModel owners = new OwnershipModel();
      Replay replay = new Replay(true, 0, null, 0, List.of(), List.of());
      disk.replace(file, String.join("", checkpointLines(base, fs, tasks, owners)).getBytes(StandardCharsets.ISO_8859_1));
      StateFile state = new StateFile(file, base, fs, tasks, disk, lock, owners, disk.append(file), 0, Options.defaults(),
          replay);
      return state;
    } catch (IOException e) {
      closeQuietly(lock);
      throw new StateException(file, 0, "cannot write the state file: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      closeQuietly(lock);
      throw e;
    }
  }

  /**
   * Replays the state file onto {@code fs} and {@code tasks} without keeping it open or changing it
   * (e.g. {@code cgdev snapshot --state}); a daemon may be serving it meanwhile, so a torn last line
   * is skipped and reported, not cut.
   *
   * @throws StateException as {@link #open}, except that the file must exist
   */
  public static Replay load(Path file, StateBase base, CgroupFs fs, Tasks tasks) {
    return load(FileDisk.INSTANCE, file, base, fs, tasks);
  }

  static Replay load(Disk disk, Path file, StateBase base, CgroupFs fs, Tasks tasks) {
    byte[] bytes;
    try {
      bytes = disk.read(file);
    } catch (IOException e) {
      throw new StateException(file, 0, "cannot read the state file: " + e.getMessage(), e);
    }
    if (bytes == null) {
      throw new StateException(file, 0, "no such state file");
    }
    if (bytes.length == 0) {
      return new Replay(true, 0, null, 0, List.of(), List.of());
    }
    Loaded loaded = replayInto(file, bytes, base, fs, tasks, new OwnershipModel(), true);
    List<String> notes = loaded.tornNote() == null ? List.of() : List.of(loaded.tornNote() + "; left in the file");
    return new Replay(false, loaded.checkpointLine(), loaded.restore(), loaded.records(), notes, loaded.ownership());
  }

  private static Closeable lock(Disk disk, Path file) {
    Closeable lock;
    try {
      lock = disk.lock(file);
    } catch (IOException e) {
      throw new StateException(file, 0, "cannot lock the state file (" + file.getFileName() + ".lock): " + e.getMessage(), e);
    }
    if (lock == null) {
      throw new StateException(file, 0, "in use: another process (or another mount in this one) keeps this state ("
          + file.getFileName() + ".lock is locked); one state file serves one tree at a time");
    }
    return lock;
  }

  /** The file view whose changes are kept: use it instead of the one given to {@link #open}. */
  public CgroupFs fs() {
    return view;
  }

  /** What opening found and did. */
  public Replay replay() {
    return replay;
  }

  /** The ownership changes the file holds, in order (as {@link Replay#ownership()}). */
  public List<OwnershipChange> ownership() {
    return replay.ownership();
  }

  /**
   * Keeps an ownership change the front end has just made; on disk when this returns (or, inside
   * {@link #atomically}, when that returns).
   *
   * @throws CgroupException {@code EIO} if the journal cannot keep it
   */
  public void record(OwnershipChange change) {
    journal.change(() -> owners.apply(change), OwnershipModel.op(change));
  }

  /**
   * Runs one request whose changes — through {@link #fs()} and {@link #record} — are kept as one
   * record: all of them, or after a crash none. Nested calls join the outer one.
   */
  public void atomically(Runnable request) {
    journal.atomically(request);
  }

  /** Replaces the journal by a checkpoint of the state as it is now (also done every {@code compactAfter} records). */
  public void compact() {
    journal.compact();
  }

  /** The state file. */
  public Path path() {
    return file;
  }

  /** Forces what is left to disk and lets go of the file and its lock. */
  @Override
  public void close() {
    try {
      journal.close();
    } catch (IOException e) {
      throw new StateException(file, 0, "closing the state file: " + e.getMessage(), e);
    } finally {
      closeQuietly(lock);
    }
  }

  /** A new file's content: the header, the base and a checkpoint of the state now. Called under the journal's lock. */
  private List<String> checkpointLines() {
    return checkpointLines(base, fs, tasks, owners);
  }

  private static List<String> checkpointLines(StateBase base, CgroupFs fs, Tasks tasks, OwnershipModel owners) {
    List<String> lines = new ArrayList<>();
    lines.add(JournalReader.HEADER + "\n");
    lines.add(RecordCodec.encode(List.of(base.op())));
    lines.add(RecordCodec.encode(List.of(Op.of("checkpoint"))));
    for (Configuration.Cgroup c : Configuration.read(fs).cgroups()) {
      lines.add(RecordCodec.encode(List.of(Op.of("cgroup", c.path()))));
      c.files().forEach((relative, content) -> lines.add(RecordCodec.encode(List.of(Op.of("set", c.path(), relative, content)))));
    }
    for (Task t : tasks.all()) {
      lines.add(RecordCodec.encode(List.of(Op.of("task", t.pid(), t.name(), t.cgroup().toString()))));
    }
    for (OwnershipChange o : owners.changes()) {
      lines.add(RecordCodec.encode(List.of(OwnershipModel.op(o))));
    }
    lines.add(RecordCodec.encode(List.of(Op.of("end"))));
    return lines;
  }

  // ------------------------------------------------------------------ replay

  private record Loaded(int checkpointLine, int records, TreeRestore.Result restore, List<OwnershipChange> ownership,
      String tornNote, long goodLength) {}

  private static final String DOES_NOT_FIT = "the state does not fit this world: open it on the world it was made on"
      + " (the same plugins, options, layout and scenario), or start a new state file";

  private static Loaded replayInto(Path file, byte[] bytes, StateBase base, CgroupFs fs, Tasks tasks, OwnershipModel owners,
      boolean readOnly) {
    JournalReader.Contents contents = JournalReader.read(file, bytes);
    List<JournalReader.Line> lines = contents.lines();
    if (lines.isEmpty()) {
      throw new StateException(file, 2, contents.torn() == null ? "no base line (the file holds only its header)"
          : "the base line is damaged: " + contents.torn());
    }
    Op baseOp = single(file, lines.getFirst(), "base");
    String difference;
    try {
      difference = base.differenceFrom(baseOp.arity(4, 4));
    } catch (IllegalArgumentException e) {
      throw new StateException(file, 2, "malformed base line: " + e.getMessage());
    }
    if (difference != null) {
      throw new StateException(file, 2, difference + "; " + DOES_NOT_FIT);
    }
    List<OwnershipChange> ownership = new ArrayList<>();
    int i = 1;
    int checkpointLine = 0;
    TreeRestore.Result restore = null;
    if (i < lines.size() && lines.get(i).ops().size() == 1 && lines.get(i).ops().getFirst().name().equals("checkpoint")) {
      checkpointLine = lines.get(i).number();
      i = readCheckpoint(file, lines, i + 1, contents, fs, tasks, owners, ownership);
      restore = restoreCheckpoint(file, checkpointLine, lines, fs, tasks);
    }
    int records = 0;
    for (; i < lines.size(); i++) {
      JournalReader.Line line = lines.get(i);
      for (Op op : line.ops()) {
        apply(file, line.number(), op, fs, owners, ownership);
      }
      records++;
    }
    String torn = null;
    if (contents.torn() != null) {
      torn = file + ":" + contents.tornLine() + ": " + (readOnly ? "skipped" : "dropped") + " a torn last record ("
          + contents.torn() + "); it was being written when its writer stopped, before it was acknowledged";
    }
    return new Loaded(checkpointLine, records, restore, ownership, torn, contents.goodLength());
  }

  /** Reads the checkpoint's lines from {@code from}; returns the index after its {@code end}. */
  private static int readCheckpoint(Path file, List<JournalReader.Line> lines, int from, JournalReader.Contents contents,
      CgroupFs fs, Tasks tasks, OwnershipModel owners, List<OwnershipChange> ownership) {
    for (int i = from; i < lines.size(); i++) {
      JournalReader.Line line = lines.get(i);
      if (line.ops().size() == 1 && line.ops().getFirst().name().equals("end")) {
        return i + 1;
      }
      for (Op op : line.ops()) {
        try {
          OwnershipChange change = OwnershipModel.of(op);
          if (change != null) {
            owners.apply(change);
            ownership.add(change);
          } else if (!List.of("cgroup", "set", "task").contains(op.name())) {
            throw new IllegalArgumentException("'" + op.name() + "' does not belong in a checkpoint");
          }
        } catch (IllegalArgumentException e) {
          throw new StateException(file, line.number(), "malformed checkpoint record: " + e.getMessage());
        }
      }
    }
    int start = lines.get(from - 1).number();
    throw new StateException(file, start, "the checkpoint that starts here has no end"
        + (contents.torn() != null ? " (line " + contents.tornLine() + " is damaged: " + contents.torn() + ")" : "")
        + "; a compaction writes a whole checkpoint or none, so the file was damaged otherwise");
  }

  private static TreeRestore.Result restoreCheckpoint(Path file, int checkpointLine, List<JournalReader.Line> lines,
      CgroupFs fs, Tasks tasks) {
    List<Configuration.Cgroup> cgroups = new ArrayList<>();
    List<TreeRestore.Placement> placements = new ArrayList<>();
    String path = null;
    SequencedMap<String, String> files = new LinkedHashMap<>();
    for (JournalReader.Line line : lines) {
      if (line.number() <= checkpointLine) {
        continue;
      }
      Op op = line.ops().getFirst();
      try {
        switch (op.name()) {
          case "end" -> {
            if (path != null) {
              cgroups.add(new Configuration.Cgroup(path, files));
            }
            try {
              return TreeRestore.converge(fs, new Configuration(cgroups), tasks, placements);
            } catch (CgroupException e) {
              throw new StateException(file, checkpointLine, "restoring the checkpoint: " + e.errno() + ": "
                  + e.getMessage() + "; " + DOES_NOT_FIT, e);
            }
          }
          case "cgroup" -> {
            if (path != null) {
              cgroups.add(new Configuration.Cgroup(path, files));
            }
            path = op.arity(1, 1).string(0);
            files = new LinkedHashMap<>();
          }
          case "set" -> {
            op.arity(3, 3);
            if (!op.string(0).equals(path)) {
              throw new IllegalArgumentException("set of " + op.string(0) + " after cgroup " + path);
            }
            files.put(op.string(1), op.string(2));
          }
          case "task" -> placements.add(new TreeRestore.Placement(op.arity(3, 3).integer(0), op.string(1), op.string(2)));
          default -> { } // ownership, read already
        }
      } catch (IllegalArgumentException e) {
        throw new StateException(file, line.number(), "malformed checkpoint record: " + e.getMessage());
      }
    }
    throw new IllegalStateException("a checkpoint without end got past readCheckpoint");
  }

  private static void apply(Path file, int line, Op op, CgroupFs fs, OwnershipModel owners, List<OwnershipChange> ownership) {
    try {
      OwnershipChange change = OwnershipModel.of(op);
      if (change != null) {
        owners.apply(change);
        ownership.add(change);
        return;
      }
      switch (op.name()) {
        case "mkdir" -> fs.mkdir(op.arity(1, 1).string(0));
        case "rmdir" -> fs.rmdir(op.arity(1, 1).string(0));
        case "write" -> {
          op.arity(2, 4);
          OpenOptions options = OpenOptions.WRITE;
          if (op.args().size() == 4) {
            options = options.withCaller(op.integer(2));
            if (op.integer(3) != 0) {
              options = options.withNonBlocking();
            }
          } else if (op.args().size() == 3) {
            throw new IllegalArgumentException("write takes 2 or 4 arguments, not 3");
          }
          try (OpenFile f = fs.open(op.string(0), options)) {
            f.write(op.string(1));
          }
        }
        case "base", "checkpoint", "cgroup", "set", "task", "end" ->
            throw new IllegalArgumentException("'" + op.name() + "' belongs at the start of the file, not among its changes");
        default -> throw new IllegalArgumentException("unknown op '" + op.name() + "' (made by a newer cgdev?)");
      }
    } catch (IllegalArgumentException e) {
      throw new StateException(file, line, "malformed record: " + e.getMessage());
    } catch (CgroupException e) {
      throw new StateException(file, line, "replaying " + describe(op) + " failed: " + e.errno() + ": " + e.getMessage()
          + "; " + DOES_NOT_FIT, e);
    }
  }

  private static String describe(Op op) {
    StringBuilder out = new StringBuilder(op.name());
    for (Object a : op.args()) {
      out.append(' ').append(a instanceof String s ? TreeRestore.show(s) : a);
    }
    return out.toString();
  }

  private static Op single(Path file, JournalReader.Line line, String name) {
    if (line.ops().size() != 1 || !line.ops().getFirst().name().equals(name)) {
      throw new StateException(file, line.number(), "expected the " + name + " line here, found '"
          + line.ops().getFirst().name() + "'");
    }
    return line.ops().getFirst();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // the lock ends with the process anyway
    }
  }
}
