package io.cgdev.cli.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shell's command parser and its errno paths, in script mode through in-memory streams. */
class ShellTest {
  private FakeFs fs;
  private StringWriter out;
  private StringWriter err;
  private Shell shell;

  @BeforeEach
  void setUp() {
    fs = new FakeFs();
    out = new StringWriter();
    err = new StringWriter();
    shell = new Shell(fs, new PrintWriter(out), new PrintWriter(err));
  }

  private int script(String text) {
    return shell.runScript(new BufferedReader(new StringReader(text)));
  }

  @Test
  void aScriptThatSucceedsExitsZeroAndPrintsWhatItReads() {
    int code = script("""
        # make a tenant and limit it
        mkdir /a
        cd /a/memory.devices/gpu0
        echo 256M > memory.max
        cat memory.max
        pwd
        """);
    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(out.toString()).isEqualTo("268435456\n/a/memory.devices/gpu0\n");
  }

  @Test
  void aFailedCommandPrintsErrnoAndTheScriptGoesOnAndExitsNonZero() {
    int code = script("cat /x\nmkdir /b\n");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).startsWith("cat: /x: ENOENT: No such file or directory (");
    assertThat(shell.failures()).isEqualTo(1);
    assertThat(fs.stat("/b").isDirectory()).isTrue();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "cat /nope                               | ENOENT",
    "cat /memory.devices                     | EISDIR",
    "ls /cgroup.procs/x                      | ENOENT",
    "cd /cgroup.procs                        | ENOTDIR",
    "echo 1 > /cgroup.procs                  | EACCES",
    "echo 12X > /memory.devices/gpu0/memory.max | EINVAL",
    "mkdir /cgroup.procs                     | EEXIST",
    "mkdir / /                               | EEXIST",
    "mkdir /no/such                          | ENOENT",
    "rmdir /memory.devices/gpu0              | EPERM",
    "rmdir /                                 | EPERM",
    "rmdir /nope                             | ENOENT",
    "mkdir                                   | EINVAL",
    "rmdir                                   | EINVAL",
    "cat                                     | EINVAL",
    "ls -z                                   | EINVAL",
    "ls / /                                  | EINVAL",
    "tree -z                                 | EINVAL",
    "tree / /                                | EINVAL",
    "cd / /                                  | EINVAL",
    "pwd extra                               | EINVAL",
    "exit notanumber                         | EINVAL",
    "echo a > b > c                          | EINVAL",
    "echo 'unterminated                      | EINVAL",
  })
  void everyErrorPathNamesItsErrno(String line, String errno) {
    boolean ok = shell.execute(line);
    assertThat(ok).as(line).isFalse();
    assertThat(err.toString()).as(line).contains(": " + errno + ": ");
    assertThat(shell.failures()).isEqualTo(1);
  }

  @Test
  void rmdirOfABusyCgroupIsEbusy() {
    script("mkdir /a\nmkdir /a/b\n");
    assertThat(shell.execute("rmdir /a")).isFalse();
    assertThat(err.toString()).contains("rmdir: /a: EBUSY: Device or resource busy");
  }

  @Test
  void aWriteOverTheLimitIsE2big() {
    assertThat(shell.execute("echo " + "1".repeat(5000) + " > /memory.devices/gpu0/memory.max")).isFalse();
    assertThat(err.toString()).contains("E2BIG");
  }

  @Test
  void anUnknownCommandFailsWithoutAnErrno() {
    assertThat(script("frobnicate\n")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("frobnicate: command not found (try 'help')\n");
  }

  @Test
  void exitStopsTheScriptWithItsCode() {
    int code = script("exit 7\nmkdir /never\n");
    assertThat(code).isEqualTo(7);
    assertThat(shell.exited()).isTrue();
    assertThat(out.toString()).isEmpty();
    assertThat(fs.list("/").stream().map(e -> e.name())).doesNotContain("never");
  }

  @Test
  void exitWithoutCodeAfterAFailureStillReportsTheFailure() {
    assertThat(script("cat /x\nexit\n")).isEqualTo(1);
  }

  @Test
  void lsMarksFoldersAndLongFormShowsModes() {
    shell.execute("ls");
    assertThat(out.toString()).isEqualTo("cgroup.procs\nmemory.devices/\n");
    out.getBuffer().setLength(0);
    shell.execute("ls -l /memory.devices/gpu0");
    assertThat(out.toString()).isEqualTo("-rw-r--r-- memory.max\n");
  }

  @Test
  void relativePathsFoldDotAndDotDot() {
    script("mkdir a\ncd a/./memory.devices/..\npwd\ncd ../../..\npwd\n");
    assertThat(out.toString()).isEqualTo("/a\n/\n");
  }

  @Test
  void tokenizerHandlesQuotesEscapesCommentsAndRedirects() {
    assertThat(Shell.tokenize("echo \"50000 100000\" > cpu.max")).containsExactly("echo", "50000 100000", ">", "cpu.max");
    assertThat(Shell.tokenize("echo max>memory.max # set it")).containsExactly("echo", "max", ">", "memory.max");
    assertThat(Shell.tokenize("cat a\\ b 'c d'")).containsExactly("cat", "a b", "c d");
    assertThat(Shell.tokenize("   ")).isEmpty();
  }

  @Test
  void echoWithoutRedirectPrints() {
    shell.execute("echo hello world");
    assertThat(out.toString()).isEqualTo("hello world\n");
  }

  @Test
  void treeShowsValuesAndHidesCoreFilesUnlessAsked() {
    shell.execute("tree");
    assertThat(out.toString()).contains("memory.max = max").doesNotContain("cgroup.procs");
    out.getBuffer().setLength(0);
    shell.execute("tree -a");
    assertThat(out.toString()).contains("cgroup.procs");
  }

  @Test
  void helpListsEveryCommand() {
    shell.execute("help");
    for (String c : Shell.COMMANDS.keySet()) {
      assertThat(out.toString()).contains(c);
    }
  }

  @Test
  void completionListsMatchingEntriesOfTheFolder() {
    assertThat(shell.completePath("mem")).containsExactly("memory.devices/");
    assertThat(shell.completePath("/memory.devices/gpu0/m")).containsExactly("/memory.devices/gpu0/memory.max");
    assertThat(shell.completePath("/nope/x")).isEmpty();
  }
}
