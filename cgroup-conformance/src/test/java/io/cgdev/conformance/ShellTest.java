package io.cgdev.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The replay script writes exactly the bytes the harness wrote: bash runs each printf command and we compare. */
class ShellTest {
  @Test
  void printfCommandsPrintExactlyTheirBytes() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    String alphabet = "\0\n\t \\'%\"$`!*?ab09+-\u00a0\u0085\u00ff";
    StringBuilder script = new StringBuilder();
    byte[][] values = new byte[40][];
    for (int i = 0; i < values.length; i++) {
      StringBuilder v = new StringBuilder();
      for (int n = r.nextInt(12); n > 0; n--) {
        v.append(alphabet.charAt(r.nextInt(alphabet.length())));
      }
      if (i % 8 == 0) {
        v.append(String.valueOf(alphabet.charAt(r.nextInt(alphabet.length()))).repeat(4000 + r.nextInt(200)));
      }
      values[i] = v.toString().getBytes(StandardCharsets.ISO_8859_1);
      // each value's bytes, then a marker line: od shows them unambiguously
      script.append(new Value.Bytes(values[i]).shell()).append(" | od -An -v -tx1 | tr -d ' \\n'; echo\n");
    }
    Process bash = new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true).start();
    String[] lines = new String(bash.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n", -1);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < values.length; i++) {
      StringBuilder hex = new StringBuilder();
      for (byte b : values[i]) {
        hex.append(String.format("%02x", b & 0xff));
      }
      assertThat(lines[i]).as("seed %d, value %s", seed, Shell.describe(values[i])).isEqualTo(hex.toString());
    }
  }

  @Test
  void pathsAreQuotedForBash() throws Exception {
    String[] names = {"a", " x", "x\ty", "'q'", "\"q\"", "$x", "\\", "\u00e9t\u00e9", "*", "a/b c"};
    StringBuilder script = new StringBuilder("B=base\n");
    for (String n : names) {
      script.append("printf '%s\\n' ").append(Shell.path(n)).append(" | od -An -v -tx1 | tr -d ' \\n'; echo\n");
    }
    Process bash = new ProcessBuilder("bash", "-c", script.toString()).redirectErrorStream(true).start();
    String[] lines = new String(bash.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split("\n", -1);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < names.length; i++) {
      StringBuilder hex = new StringBuilder();
      for (byte b : ("base/" + names[i] + "\n").getBytes(StandardCharsets.UTF_8)) {
        hex.append(String.format("%02x", b & 0xff));
      }
      assertThat(lines[i]).as(names[i]).isEqualTo(hex.toString());
    }
  }
}
