package io.cgdev.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The record lines: any path and value round-trip, the line is ASCII, and the CRC catches any change. */
class RecordCodecTest {
  private static final long SEED = Long.getLong("cgdev.state.seed", System.nanoTime());

  @Test
  void anyStringsAndNumbersRoundTripOnOneAsciiLine() {
    Random random = new Random(SEED);
    for (int round = 0; round < 2000; round++) {
      List<Op> ops = new ArrayList<>();
      for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
        ops.add(Op.of(random.nextBoolean() ? "write" : "chmod", randomString(random), random.nextInt(), randomString(random)));
      }
      String line = RecordCodec.encode(ops);
      assertThat(line).as("seed %d", SEED).endsWith("\n");
      assertThat(line.substring(0, line.length() - 1).chars().allMatch(c -> c >= 0x20 && c < 0x7f))
          .as("printable ASCII, seed %d: %s", SEED, line).isTrue();
      assertThat(RecordCodec.decode(line.substring(0, line.length() - 1))).as("seed %d", SEED).isEqualTo(ops);
    }
  }

  @Test
  void everyChangedCharacterIsCaught() {
    Random random = new Random(SEED);
    String line = RecordCodec.encode(List.of(Op.of("write", "/a/conf.devices/dev0/conf.value", "42\n"),
        Op.of("chown", "/a", 1000, 100)));
    String text = line.substring(0, line.length() - 1);
    for (int i = 0; i < text.length(); i++) {
      char replacement = (char) (0x20 + random.nextInt(0x5f));
      if (replacement == text.charAt(i)) {
        continue;
      }
      String damaged = text.substring(0, i) + replacement + text.substring(i + 1);
      assertThatThrownBy(() -> RecordCodec.decode(damaged)).as("position %d, seed %d", i, SEED)
          .isInstanceOf(IllegalArgumentException.class);
    }
    for (int cut = 0; cut < text.length(); cut++) {
      String torn = text.substring(0, cut);
      assertThatThrownBy(() -> RecordCodec.decode(torn)).as("cut at %d", cut).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void modesAreWrittenInOctalAndReadBack() {
    String line = RecordCodec.encode(List.of(Op.of("chmod", "/a", 0755)));
    assertThat(line).endsWith("chmod \"/a\" 0755\n");
    assertThat(RecordCodec.decode(line.strip())).containsExactly(Op.of("chmod", "/a", 0755));
  }

  @Test
  void malformedRecordsSayWhatIsWrong() {
    assertThatThrownBy(() -> RecordCodec.decode("hello")).hasMessageContaining("not a record");
    String valid = RecordCodec.encode(List.of(Op.of("mkdir", "/a"))).strip();
    assertThatThrownBy(() -> RecordCodec.decode("00000000" + valid.substring(8))).hasMessageContaining("checksum mismatch");
  }

  private static String randomString(Random random) {
    StringBuilder s = new StringBuilder();
    for (int i = 0, n = random.nextInt(12); i < n; i++) {
      s.append(switch (random.nextInt(5)) {
        case 0 -> (char) random.nextInt(0x100);
        case 1 -> (char) random.nextInt(0x10000);
        case 2 -> "\"\\\n\t\r ;".charAt(random.nextInt(7));
        default -> (char) ('a' + random.nextInt(26));
      });
    }
    return s.toString();
  }
}
