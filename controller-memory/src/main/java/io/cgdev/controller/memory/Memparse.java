package io.cgdev.controller.memory;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;

/**
 * The kernel's {@code memparse} (lib/cmdline.c) and the two ways the memory files use it, bit for
 * bit: {@code simple_strtoull} with base 0 ({@code 0x} hex, a leading {@code 0} octal, else decimal;
 * no sign, no white space; a number too long wraps around 2^64 as the kernel's does), then an
 * optional suffix {@code K M G T P E} (either case, each a shift by 10; the shift wraps too).
 *
 * <p>Values are unsigned 64-bit numbers held in a {@code long}: compare and divide them with {@link
 * Long#compareUnsigned} and {@link Long#divideUnsigned}. Stateless.
 */
final class Memparse {
  /**
   * The kernel's {@code PAGE_COUNTER_MAX} on a 64-bit host with 4 KiB pages ({@code LONG_MAX /
   * PAGE_SIZE}): what dmem stores for {@code max}, and the smallest value its files print as {@code
   * max}.
   */
  static final long DMEM_MAX = Long.MAX_VALUE / 4096;

  private static final String SUFFIXES = "kmgtpe";

  private Memparse() {}

  /** What {@link #prefix} read: the value and where the text after it begins. */
  record Parsed(long value, int end) {}

  /**
   * {@code memparse(text, &end)}: reads as much of {@code text} as the kernel does, never fails.
   * Nothing readable gives value 0 and end 0 (a lone suffix letter is consumed, as in the kernel).
   */
  static Parsed prefix(String text) {
    int i = 0;
    int n = text.length();
    int base = 10;
    if (n > 0 && text.charAt(0) == '0') {
      if (n > 2 && (text.charAt(1) == 'x' || text.charAt(1) == 'X') && digit(text.charAt(2), 16) >= 0) {
        base = 16;
        i = 2;
      } else {
        base = 8;
      }
    }
    long value = 0;
    for (int d; i < n && (d = digit(text.charAt(i), base)) >= 0; i++) {
      value = value * base + d; // wraps modulo 2^64, as _parse_integer's result does
    }
    if (i < n) {
      char c = text.charAt(i);
      int k = c < 0x80 ? SUFFIXES.indexOf(Character.toLowerCase(c)) : -1;
      if (k >= 0) {
        value <<= 10 * (k + 1); // bits shifted out are lost, as in the kernel's u64
        i++;
      }
    }
    return new Parsed(value, i);
  }

  /**
   * The whole text as one size ({@code memparse} whose end must be the end of the string), as
   * {@code page_counter_memparse} and dmem's limit parser check it. The empty string is 0, as in
   * the kernel.
   *
   * @param what the file, for the message
   * @throws CgroupException {@code EINVAL} naming the value when anything follows the number
   */
  static long whole(String text, String what) {
    Parsed p = prefix(text);
    if (p.end() != text.length()) {
      throw CgroupException.of(Errno.EINVAL, "%s: invalid size '%s': expected a number with an optional K, M, G, T, P or E"
          + " suffix, or 'max'", what, text);
    }
    return p.value();
  }

  /**
   * {@code page_counter_memparse(text, "max")} in bytes: {@code max} or a size rounded down to whole
   * pages of {@code pageSize}, at most the page counter's maximum, which reads as {@code max}.
   *
   * @return bytes, page aligned, or {@link PageCounter#MAX}
   */
  static long pages(String text, long pageSize, String what) {
    if (text.equals("max")) {
      return PageCounter.MAX;
    }
    long bytes = whole(text, what);
    long pages = Long.divideUnsigned(bytes, pageSize);
    long maxPages = Long.MAX_VALUE / pageSize;
    return Long.compareUnsigned(pages, maxPages) >= 0 ? PageCounter.MAX : pages * pageSize;
  }

  /**
   * dmem's {@code dmemcg_parse_limit}: {@code max}, or a size in bytes kept as written (no page
   * rounding); a value of {@link #DMEM_MAX} or more reads back as {@code max} and limits nothing, so
   * it is kept as {@link PageCounter#MAX}.
   */
  static long dmemBytes(String text, String what) {
    if (text.equals("max")) {
      return PageCounter.MAX;
    }
    long bytes = whole(text, what);
    return Long.compareUnsigned(bytes, DMEM_MAX) >= 0 ? PageCounter.MAX : bytes;
  }

  private static int digit(char c, int base) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return -1;
    }
    return d < base ? d : -1;
  }
}
