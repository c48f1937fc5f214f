package io.cgdev.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The text of a state file's records. A record is one line, pure ASCII:
 *
 * <pre>
 * 1b2c3d4e mkdir "/a" ; created "/a" 1000 1000 ; chmod "/a" 0755
 * </pre>
 *
 * eight hex digits of the CRC-32C of the rest of the line, a space, then one or more ops separated
 * by {@code " ; "}: a lower-case name and its arguments, each a quoted string or a number (decimal;
 * octal with a leading {@code 0}). In a string, {@code \" \\ \n \t \r} stand for themselves, bytes
 * outside printable ASCII are {@code \xHH}, other characters {@code \\uHHHH} (UTF-16 units), so any
 * path and any value of a write (its characters are bytes, 0..255) fit on one line. A record is
 * written with one {@code write(2)}, so all of its ops are kept, or — a torn last line — none.
 */
final class RecordCodec {
  private static final HexFormat HEX = HexFormat.of();

  private RecordCodec() {}

  /** The line for {@code ops}, with its CRC and the newline. */
  static String encode(List<Op> ops) {
    if (ops.isEmpty()) {
      throw new IllegalArgumentException("a record holds at least one op");
    }
    StringBuilder body = new StringBuilder();
    for (Op op : ops) {
      if (!body.isEmpty()) {
        body.append(" ; ");
      }
      body.append(op.name());
      for (Object a : op.args()) {
        body.append(' ');
        if (a instanceof String s) {
          quote(s, body);
        } else if (op.name().equals("chmod") && (Long) a > 0) {
          body.append('0').append(Long.toOctalString((Long) a)); // a mode reads best in octal
        } else {
          body.append(a);
        }
      }
    }
    String text = body.toString();
    return HEX.toHexDigits((int) crc(text)) + " " + text + "\n";
  }

  /**
   * The ops of one line (without its newline).
   *
   * @throws IllegalArgumentException naming what is wrong: a CRC that does not match, a malformed op
   */
  static List<Op> decode(String line) {
    if (line.length() < 10 || line.charAt(8) != ' ') {
      throw new IllegalArgumentException("not a record (a record starts with 8 hex digits and a space)");
    }
    for (int i = 0; i < 8; i++) {
      char c = line.charAt(i);
      // the CRC is written in lower case: an upper-case digit is damage, even though it reads the same
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        throw new IllegalArgumentException("not a record (a record starts with 8 lower-case hex digits and a space)");
      }
    }
    long expected;
    try {
      expected = Integer.toUnsignedLong(HexFormat.fromHexDigits(line, 0, 8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a record (a record starts with 8 hex digits and a space)", e);
    }
    String text = line.substring(9);
    long actual = crc(text);
    if (actual != expected) {
      throw new IllegalArgumentException(String.format("checksum mismatch (the line says %08x, its text gives %08x)",
          expected, actual));
    }
    return new Parser(text).ops();
  }

  private static long crc(String text) {
    CRC32C crc = new CRC32C();
    crc.update(text.getBytes(StandardCharsets.ISO_8859_1));
    return crc.getValue();
  }

  static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            out.append(c);
          } else if (c < 0x100) {
            out.append("\\x").append(HEX.toHexDigits((byte) c));
          } else {
            out.append("\\u").append(HEX.toHexDigits(c));
          }
        }
      }
    }
    out.append('"');
  }

  /** A strict reader of one record's text. */
  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    List<Op> ops() {
      List<Op> ops = new ArrayList<>();
      while (true) {
        ops.add(op());
        if (at == text.length()) {
          return ops;
        }
        expect(" ; ");
      }
    }

    private Op op() {
      int start = at;
      while (at < text.length() && (Character.isLetter(text.charAt(at)) && text.charAt(at) < 0x80
          || text.charAt(at) == '-')) {
        at++;
      }
      if (start == at) {
        throw fail("an op name");
      }
      String name = text.substring(start, at);
      List<Object> args = new ArrayList<>();
      while (at < text.length() && text.startsWith(" ", at) && !text.startsWith(" ; ", at)) {
        at++;
        args.add(argument());
      }
      return new Op(name, args);
    }

    private Object argument() {
      if (at < text.length() && text.charAt(at) == '"') {
        return string();
      }
      int start = at;
      if (at < text.length() && text.charAt(at) == '-') {
        at++;
      }
      while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        at++;
      }
      String digits = text.substring(start, at);
      if (digits.isEmpty() || digits.equals("-")) {
        throw fail("a quoted string or a number");
      }
      try {
        boolean octal = digits.length() > 1 && digits.charAt(0) == '0';
        return Long.parseLong(digits, octal ? 8 : 10);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad number '" + digits + "' at column " + (start + 10), e);
      }
    }

    private String string() {
      at++; // the opening quote
      StringBuilder out = new StringBuilder();
      while (true) {
        if (at >= text.length()) {
          throw fail("the closing quote");
        }
        char c = text.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          if (c < 0x20 || c >= 0x7f) {
            throw new IllegalArgumentException("a raw byte 0x" + HEX.toHexDigits((byte) c) + " in a string at column "
                + (at + 9));
          }
          out.append(c);
          continue;
        }
        if (at >= text.length()) {
          throw fail("an escape");
        }
        char e = text.charAt(at++);
        switch (e) {
          case '"' -> out.append('"');
          case '\\' -> out.append('\\');
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'x' -> out.append((char) hex(2));
          case 'u' -> out.append((char) hex(4));
          default -> throw new IllegalArgumentException("unknown escape \\" + e + " at column " + (at + 8));
        }
      }
    }

    private int hex(int digits) {
      if (at + digits > text.length()) {
        throw fail(digits + " hex digits");
      }
      try {
        int v = HexFormat.fromHexDigits(text, at, at + digits);
        at += digits;
        return v;
      } catch (IllegalArgumentException e) {
        throw fail(digits + " hex digits");
      }
    }

    private void expect(String s) {
      if (!text.startsWith(s, at)) {
        throw fail("'" + s + "'");
      }
      at += s.length();
    }

    private IllegalArgumentException fail(String wanted) {
      return new IllegalArgumentException("expected " + wanted + " at column " + (at + 10));
    }
  }
}
