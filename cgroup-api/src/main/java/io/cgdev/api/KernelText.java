package io.cgdev.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's reading of the text written to interface files, for the parsers of cgdev and its
 * plugins: which characters are white space ({@code isspace} of the kernel's {@code lib/ctype.c}),
 * which are digits (ASCII only), {@code strstrip}, splitting into white-space separated fields, and
 * the end of a C string.
 *
 * <p>The kernel parses bytes. The file view hands parsers text in which each byte of a write is
 * one character ({@code \u0000..\u00ff}, as the FUSE mount decodes a write), so the kernel's white
 * space is exactly: space, {@code \t \n \u000b \f \r} and {@code \u00a0} (byte 0xA0, which the
 * kernel's ctype table counts as space). Nothing else is white space and only {@code 0-9} are
 * digits: {@code ٥٠٠} or {@code \u2003} are ordinary characters here, so a number containing them
 * is {@code EINVAL} — unlike {@link String#strip()}, {@link Character#isDigit} and {@link
 * Long#parseLong}, which accept any Unicode space and digit.
 */
@Stability(value = Stability.Status.STABLE, since = "0.2")
public final class KernelText {
  private static final String[] NO_FIELDS = new String[0];

  private KernelText() {}

  /** The kernel's {@code isspace}: {@code ' '}, {@code \t \n \u000b \f \r} and {@code \u00a0}. */
  public static boolean isSpace(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || c == '\u00a0';
  }

  /** An ASCII digit {@code 0-9}; no other character is a digit to the kernel. */
  public static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** True if {@code text} is one or more ASCII digits. */
  public static boolean isDigits(CharSequence text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** True if {@code text} is empty or only kernel white space. */
  public static boolean isBlank(String text) {
    return strip(text).isEmpty();
  }

  /** The kernel's {@code strstrip}: {@code text} without leading and trailing white space; "" for null. */
  public static String strip(String text) {
    if (text == null) {
      return "";
    }
    int from = 0;
    int to = text.length();
    while (from < to && isSpace(text.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(text.charAt(to - 1))) {
      to--;
    }
    return text.substring(from, to);
  }

  /**
   * The white-space separated fields of {@code text} (runs of white space separate; none at either
   * end): {@code " a\tb  c\n"} gives {@code [a, b, c]}; blank text gives none.
   */
  public static String[] fields(String text) {
    if (text == null) {
      return NO_FIELDS;
    }
    List<String> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSpace(text.charAt(i))) {
        i++;
      }
      if (i > start) {
        out.add(text.substring(start, i));
      }
    }
    return out.toArray(NO_FIELDS);
  }

  /**
   * {@code text} up to its first NUL: the kernel hands a write to the file's handler as a C string,
   * so whatever follows a NUL byte is never seen.
   */
  public static String untilNul(String text) {
    int nul = text.indexOf('\0');
    return nul < 0 ? text : text.substring(0, nul);
  }
}
