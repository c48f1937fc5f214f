package io.cgdev.core.scenario;

import static io.cgdev.core.testing.Errnos.assertErrno;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Values written to the core files, with the answers Linux 6.18 gave for the same bytes written to
 * a child cgroup of its cgroup2 (recorded with python's os.write; cgroup-conformance checks the
 * same against the live kernel). {@code \n}, {@code \t}, {@code \0} and {@code \u00a0} in the table
 * stand for those characters; the expected column is the read-back value or the errno.
 */
class KernelObservedValuesTest extends DemoHierarchy {
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "5|5", "\" 5 \"|5", "5\\n|5", "5\\n\\n|5", "\\n5|5", "+5|5", "-0|0", "0x10|16", "0X10|16", "010|8",
    "2147483647|max", "2147483646|2147483646", "max|max", "max\\n|max", "\" max \"|max", "5\\0006|5", "\\t5\\t|5",
    "5\\r|5", "\\u00a05|5",
    "\" \"|EINVAL", "\\n|EINVAL", "-1|ERANGE", "08|EINVAL", "0x|EINVAL", "2147483648|ERANGE", "4294967296|ERANGE",
    "99999999999999999999|ERANGE", "-99999999999999999999|ERANGE", "MAX|EINVAL", "\\0|EINVAL", "\\0005|EINVAL",
    "\\uff15|EINVAL", "\\u0665|EINVAL", "5 6|EINVAL", "\\u00c2\\u00a05|EINVAL", "\\u00855|EINVAL"})
  void maxDepthReadsWhatTheKernelReads(String written, String expected) {
    fs.mkdir("/a");
    fs.write("/a/cgroup.max.depth", "4");
    String before = fs.read("/a/cgroup.max.depth");
    String value = unescape(written);
    if (expected.startsWith("E")) {
      assertErrno(Errno.valueOf(expected), () -> fs.write("/a/cgroup.max.depth", value));
      assertThat(fs.read("/a/cgroup.max.depth")).isEqualTo(before);
    } else {
      fs.write("/a/cgroup.max.depth", value);
      assertThat(fs.read("/a/cgroup.max.depth")).isEqualTo(expected + "\n");
      fs.write("/a/cgroup.max.descendants", value);
      assertThat(fs.read("/a/cgroup.max.descendants")).isEqualTo(expected + "\n");
    }
  }

  @Test
  void writesOfManyBytes() {
    fs.mkdir("/a");
    assertErrno(Errno.ERANGE, () -> fs.write("/a/cgroup.max.depth", "1".repeat(4096)));
    assertErrno(Errno.E2BIG, () -> fs.write("/a/cgroup.max.depth", "1".repeat(4097)));
    fs.write("/a/cgroup.max.depth", "5" + " ".repeat(4095));
    assertThat(fs.read("/a/cgroup.max.depth")).isEqualTo("5\n");
    assertErrno(Errno.E2BIG, () -> fs.write("/a/cgroup.max.depth", "5" + " ".repeat(5000)));
    // each byte of a write is one character in 0..255, so 4096 of them are 4096 bytes
    assertErrno(Errno.EINVAL, () -> fs.write("/a/cgroup.max.depth", "\u00e9".repeat(4096)));
  }

  @Test
  void anEmptyWriteChangesNothingAndSucceeds() {
    fs.mkdir("/a");
    fs.write("/a/cgroup.max.depth", "3");
    fs.write("/a/cgroup.max.depth", "");
    fs.write("/a/cgroup.procs", "");
    fs.write("/a/cgroup.subtree_control", "");
    assertThat(fs.read("/a/cgroup.max.depth")).isEqualTo("3\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
    "|ok|", "\" \"|ok|", "\\n|ok|", "+demo|ok|demo", "-demo|ok|", "+demo -demo|ok|", "-demo +demo|ok|demo", "\"  +demo  \"|ok|demo",
    "+demo\\n|ok|demo", "+demo\\t|ok|demo", "\\t+demo|ok|demo", "+demo  -demo|ok|", "+demo\\0junk|ok|demo", "\\0|ok|",
    "\\u00a0+demo|ok|demo", "+demo\\u00a0|ok|demo",
    "+demo\\t-demo|EINVAL|", "+demo\\n-demo|EINVAL|", "demo|EINVAL|", "+|EINVAL|", "-|EINVAL|", "+bogus|EINVAL|",
    "+demo +bogus|EINVAL|", "+DEMO|EINVAL|", "++demo|EINVAL|", "*demo|EINVAL|", "+ demo|EINVAL|", "+demo\\u2003|EINVAL|"})
  void subtreeControlTokensAsTheKernelSplitsThem(String written, String outcome, String after) {
    fs.write("/cgroup.subtree_control", "+demo");
    fs.mkdir("/a");
    String value = unescape(written);
    if (outcome.equals("ok")) {
      fs.write("/a/cgroup.subtree_control", value);
    } else {
      assertErrno(Errno.valueOf(outcome), () -> fs.write("/a/cgroup.subtree_control", value));
    }
    assertThat(fs.read("/a/cgroup.subtree_control")).isEqualTo(after == null ? "" : after + "\n");
  }

  @Test
  void pidsAsTheKernelReadsThem() {
    fs.mkdir("/a");
    fs.mkdir("/b");
    Task t = cg.tasks().spawn("worker", CgroupPath.parse("/b"));
    int pid = t.pid();
    for (String ok : new String[] {Integer.toString(pid), " " + pid + " ", pid + "\n", "+" + pid, pid + "\0x",
        "\u00a0" + pid, "0x" + Integer.toHexString(pid), "0" + Integer.toOctalString(pid)}) {
      fs.write("/a/cgroup.procs", ok);
      assertThat(fs.read("/a/cgroup.procs")).as(ok).isEqualTo(pid + "\n");
      fs.write("/b/cgroup.procs", Integer.toString(pid));
    }
    for (String bad : new String[] {" ", "-" + pid, "-1", "2147483648", "99999999999999999999", pid + " " + pid,
        pid + "\n" + pid, "abc", "\u17e1", "\u0665"}) {
      CgroupException e = assertErrno(Errno.EINVAL, () -> fs.write("/a/cgroup.procs", bad));
      assertThat(e.getMessage()).as(bad).contains("pid");
    }
    assertErrno(Errno.ESRCH, () -> fs.write("/a/cgroup.procs", "999999999"));
    assertThat(fs.read("/a/cgroup.procs")).isEmpty();
  }

  /** kernfs reserves no names; enabling a controller whose entries a child cgroup's name takes is EEXIST. */
  @Test
  void enablingIsEexistWhenAChildCgroupHoldsTheName() {
    fs.mkdir("/a");
    fs.mkdir("/a/b");
    fs.mkdir("/a/b/demo.info");
    fs.write("/cgroup.subtree_control", "+demo +zeta");
    assertErrno(Errno.EEXIST, () -> fs.write("/a/cgroup.subtree_control", "+zeta +demo"));
    assertThat(fs.read("/a/cgroup.subtree_control")).isEmpty();
    assertThat(names(fs.list("/a/b"))).doesNotContain("zeta.info", "zeta.devices");
    fs.write("/a/cgroup.subtree_control", "+zeta");
    fs.rmdir("/a/b/demo.info");
    fs.mkdir("/a/b/demo.devices");
    assertErrno(Errno.EEXIST, () -> fs.write("/a/cgroup.subtree_control", "+demo"));
    fs.rmdir("/a/b/demo.devices");
    fs.write("/a/cgroup.subtree_control", "+demo");
    assertThat(names(fs.list("/a/b"))).contains("demo.info", "demo.devices", "zeta.info");
  }

  /** The characters the tables stand for: {@code \n \t \r \0} and {@code \\uXXXX}. */
  private static String unescape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        sb.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case '0' -> sb.append('\0');
        case 'u' -> {
          sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        }
        default -> sb.append(n);
      }
    }
    return sb.toString();
  }
}
