package io.cgdev.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a state file's lines strictly: the header (line 1, {@code cgdev-state 1}) and then records,
 * each checked against its CRC. A problem on any line but the last is corruption ({@link
 * StateException} naming the line). The last line may be torn — cut short, or garbled, by a crash
 * while it was being written, before it was forced, so it was never acknowledged: it is handed back
 * separately for the caller to drop and report.
 */
final class JournalReader {
  /** The first line of every state file of this version. */
  static final String HEADER = "cgdev-state 1";
  static final String MAGIC = "cgdev-state ";

  /** A record: its line number and ops, and the byte offset where the next line starts. */
  record Line(int number, List<Op> ops, long end) {}

  /**
   * The readable lines after the header and, if the last line could not be read, what was wrong
   * with it.
   *
   * @param torn the last line's problem, or {@code null}
   * @param tornLine its line number
   * @param goodLength the bytes of header and readable lines
   */
  record Contents(List<Line> lines, String torn, int tornLine, long goodLength) {}

  private JournalReader() {}

  /**
   * @param bytes the whole file, not empty
   * @throws StateException a header that is not ours or of another version, or a bad line that is not the last
   */
  static Contents read(Path file, byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int headerEnd = text.indexOf('\n');
    String header = headerEnd < 0 ? text : text.substring(0, headerEnd);
    checkHeader(file, header, headerEnd < 0);
    List<Line> lines = new ArrayList<>();
    int start = headerEnd + 1;
    int number = 2;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      boolean last = end < 0 || end == text.length() - 1;
      if (end < 0) {
        return new Contents(lines, "it has no end of line (" + (text.length() - start) + " bytes)", number, start);
      }
      try {
        lines.add(new Line(number, RecordCodec.decode(text.substring(start, end)), end + 1));
      } catch (IllegalArgumentException e) {
        if (last) {
          return new Contents(lines, e.getMessage(), number, start);
        }
        throw new StateException(file, number, "corrupt record: " + e.getMessage()
            + " (only the last record may be damaged by a crash; this one is followed by others)");
      }
      start = end + 1;
      number++;
    }
    return new Contents(lines, null, 0, text.length());
  }

  private static void checkHeader(Path file, String header, boolean unfinished) {
    if (header.equals(HEADER) && !unfinished) {
      return;
    }
    if (header.startsWith(MAGIC) && !unfinished) {
      throw new StateException(file, 1, "a state file of version '" + header.substring(MAGIC.length())
          + "'; this cgdev reads version 1 (" + HEADER + ")");
    }
    String shown = header.length() > 40 ? header.substring(0, 40) + "..." : header;
    throw new StateException(file, 1, "not a cgdev state file (it starts with '" + shown.replaceAll("[^ -~]", "?")
        + "', not '" + HEADER + "')");
  }
}
