package io.cgdev.fuse.client;

import java.util.Map;
import java.util.TreeMap;

/**
 * The crash reproductions of issue 12, as a client runs them: a descriptor that outlives its
 * cgroup. Each round makes a cgroup under a base folder, opens one of its files read-write, removes
 * the cgroup, then does one operation on the descriptor ({@code read}, {@code write}, {@code fstat},
 * {@code ftruncate}, {@code fsync} or {@code close}) and closes it; the {@code sequential} round is
 * the ordinary client that used to crash the daemon through FUSE's asynchronous release: open, write,
 * close, then rmdir at once.
 *
 * <p>Runs the same against the host kernel's cgroup2 and the cgdev mount, so the two can be
 * compared. Depends on the JDK only: {@code java --enable-native-access=ALL-UNNAMED -cp DIR
 * io.cgdev.fuse.client.RemovedCgroupProbe BASE FILE VALUE ROUNDS OP...} prints one line per
 * distinct outcome, {@code OP<TAB>OUTCOME<TAB>COUNT}, then {@code done}.
 */
public final class RemovedCgroupProbe {
  /** The operations a round can end with. */
  public static final java.util.List<String> OPS =
      java.util.List.of("read", "write", "fstat", "ftruncate", "fsync", "close", "sequential");

  private RemovedCgroupProbe() {}

  /**
   * Runs {@code rounds} rounds of {@code op} in cgroups named {@code <tag>-<op>-<n>} under {@code
   * base}, writing {@code value} where a round writes.
   *
   * @return each distinct outcome and how often it happened
   */
  public static Map<String, Integer> run(String base, String file, String value, String op, int rounds, String tag) {
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int n = 0; n < rounds; n++) {
      String dir = base + "/" + tag + "-" + op + "-" + n;
      outcomes.merge(round(dir, file, value, op), 1, Integer::sum);
    }
    return outcomes;
  }

  private static String round(String dir, String file, String value, String op) {
    Libc.Outcome made = Libc.mkdir(dir);
    if (!made.ok()) {
      return "mkdir:" + made;
    }
    Libc.Outcome opened = Libc.open(dir + "/" + file, Libc.O_RDWR);
    if (!opened.ok()) {
      Libc.rmdir(dir);
      return "open:" + opened;
    }
    int fd = opened.result();
    if (op.equals("sequential")) {
      Libc.Outcome wrote = Libc.write(fd, value);
      Libc.Outcome closed = Libc.close(fd);
      Libc.Outcome removed = Libc.rmdir(dir);
      return "write=" + wrote.kind() + " close=" + closed.kind() + " rmdir=" + removed.kind();
    }
    Libc.Outcome removed = Libc.rmdir(dir);
    if (!removed.ok()) {
      Libc.close(fd);
      return "rmdir:" + removed;
    }
    Libc.Outcome outcome = switch (op) {
      case "read" -> Libc.read(fd, 256);
      case "write" -> Libc.write(fd, value);
      case "fstat" -> Libc.fstat(fd);
      case "ftruncate" -> Libc.ftruncate(fd, 0);
      case "fsync" -> Libc.fsync(fd);
      case "close" -> Libc.close(fd);
      default -> throw new IllegalArgumentException("unknown operation " + op);
    };
    String result = op.equals("fstat") ? outcome.toString() : outcome.kind();
    if (!op.equals("close")) {
      Libc.Outcome closed = Libc.close(fd);
      if (!closed.ok()) {
        return result + " then close:" + closed;
      }
    }
    return result;
  }

  public static void main(String[] args) {
    if (args.length < 5) {
      System.err.println("usage: RemovedCgroupProbe BASE FILE VALUE ROUNDS OP...");
      System.exit(2);
    }
    int rounds = Integer.parseInt(args[3]);
    String tag = "p" + ProcessHandle.current().pid();
    for (int i = 4; i < args.length; i++) {
      String op = args[i];
      run(args[0], args[1], args[2], op, rounds, tag)
          .forEach((outcome, count) -> System.out.println(op + "\t" + outcome + "\t" + count));
      System.out.flush();
    }
    System.out.println("done");
  }
}
