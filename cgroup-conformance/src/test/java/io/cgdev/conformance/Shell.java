package io.cgdev.conformance;

import java.nio.charset.StandardCharsets;

/** Spelling bytes for bash (the replay script) and for messages. */
final class Shell {
  private Shell() {}

  /** {@code data} as a bash printf format printing exactly those bytes. */
  static String printfEscape(byte[] data) {
    StringBuilder sb = new StringBuilder();
    for (byte b : data) {
      int c = b & 0xff;
      if (c == '%') {
        sb.append("%%");
      } else if (c == '\\') {
        sb.append("\\\\");
      } else if (c >= 0x20 && c < 0x7f && c != '\'') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\%03o", c));
      }
    }
    return sb.toString();
  }

  /**
   * A bash command printing exactly {@code data}: one {@code printf}, or for data with long runs
   * of one byte (4 KiB writes) a group of them, {@code printf -- 'c%.0s' $(seq N)} for each run.
   */
  static String printfCommand(byte[] data) {
    StringBuilder parts = new StringBuilder();
    int n = 0;
    int i = 0;
    int literalFrom = 0;
    while (i < data.length) {
      int j = i;
      while (j < data.length && data[j] == data[i]) {
        j++;
      }
      if (j - i >= 16) {
        if (i > literalFrom) {
          parts.append("printf -- '").append(printfEscape(java.util.Arrays.copyOfRange(data, literalFrom, i))).append("'; ");
          n++;
        }
        parts.append("printf -- '").append(printfEscape(new byte[] {data[i]})).append("%.0s' $(seq ").append(j - i).append("); ");
        n++;
        literalFrom = j;
      }
      i = j;
    }
    if (n == 0) {
      return "printf -- '" + printfEscape(data) + "'";
    }
    if (data.length > literalFrom) {
      parts.append("printf -- '").append(printfEscape(java.util.Arrays.copyOfRange(data, literalFrom, data.length))).append("'; ");
    }
    return "{ " + parts + "}";
  }

  /** A path below {@code $B} as a bash word: {@code "$B"/$'a/b\tc'}, or {@code "$B"} for the base. */
  static String path(String relative) {
    return relative.isEmpty() ? "\"$B\"" : "\"$B\"/" + ansiC(relative.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code $'...'} quoting of bytes. */
  static String ansiC(byte[] data) {
    StringBuilder sb = new StringBuilder("$'");
    for (byte b : data) {
      int c = b & 0xff;
      if (c == '\\' || c == '\'') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.append('\'').toString();
  }

  /** Bytes for a message: printable ASCII as is, the rest escaped, long runs shortened. */
  static String describe(byte[] data) {
    StringBuilder sb = new StringBuilder("'");
    int shown = Math.min(data.length, 48);
    for (int i = 0; i < shown; i++) {
      int c = data[i] & 0xff;
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case 0 -> sb.append("\\0");
        case '\\' -> sb.append("\\\\");
        case '\'' -> sb.append("\\'");
        default -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
      }
    }
    sb.append('\'');
    if (data.length > shown) {
      sb.append("...(").append(data.length).append(" bytes)");
    }
    return sb.toString();
  }

  /** Text (a name, content read) for an outcome: as {@link #describe} but never shortened. */
  static String escape(String text) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case 0 -> sb.append("\\0");
        case '\\' -> sb.append("\\\\");
        default -> sb.append(c >= 0x20 && c != 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
      }
    }
    return sb.toString();
  }
}
