package io.cgdev.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keyed formats: flat keyed ({@code key value} a line, e.g. {@code memory.events}) and nested
 * keyed ({@code key sub=value sub=value} a line, e.g. per-region values). Builders produce file
 * content; parsers take keyed writes, all or nothing. Fields are separated by the kernel's white
 * space ({@link KernelText}), lines by newlines.
 */
@Stability(Stability.Status.STABLE)
public final class Keyed {
  private Keyed() {}

  /** Starts flat keyed content. */
  public static Flat flat() {
    return new Flat();
  }

  /** Starts nested keyed content. */
  public static Nested nested() {
    return new Nested();
  }

  /**
   * Parses flat keyed text ({@code key value} a line) into an ordered map.
   *
   * @throws CgroupException {@code EINVAL} for a line without exactly two fields or a repeated key
   */
  public static Map<String, String> parseFlat(String text) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : KernelText.strip(text).split("\n")) {
      String[] f = KernelText.fields(line);
      if (f.length == 0) {
        continue;
      }
      if (f.length != 2) {
        throw CgroupException.of(Errno.EINVAL, "invalid keyed line '%s': expected 'key value'", line);
      }
      if (map.put(f[0], f[1]) != null) {
        throw CgroupException.of(Errno.EINVAL, "key '%s' given twice", f[0]);
      }
    }
    return map;
  }

  /**
   * Parses one nested keyed line {@code key a=1 b=2}.
   *
   * @return the key and its ordered sub-values
   * @throws CgroupException {@code EINVAL} for a missing key, a field without {@code =}, or a repeated
   *     sub-key
   */
  public static Map.Entry<String, Map<String, String>> parseNestedLine(String line) {
    String[] f = KernelText.fields(line);
    if (f.length == 0 || f[0].contains("=")) {
      throw CgroupException.of(Errno.EINVAL, "invalid nested keyed line '%s': expected 'key sub=value ...'", line);
    }
    Map<String, String> subs = new LinkedHashMap<>();
    for (int i = 1; i < f.length; i++) {
      int eq = f[i].indexOf('=');
      if (eq <= 0 || eq == f[i].length() - 1) {
        throw CgroupException.of(Errno.EINVAL, "invalid field '%s' in '%s': expected sub=value", f[i], line);
      }
      if (subs.put(f[i].substring(0, eq), f[i].substring(eq + 1)) != null) {
        throw CgroupException.of(Errno.EINVAL, "sub-key '%s' given twice in '%s'", f[i].substring(0, eq), line);
      }
    }
    return Map.entry(f[0], subs);
  }

  /**
   * Room a builder starts with: a handful of lines without growing (a builder's default, 16 chars,
   * grows and copies three or four times for a file such as {@code memory.events}).
   */
  private static final int INITIAL_CHARS = 128;

  /** Builds flat keyed content. */
  public static final class Flat {
    private final StringBuilder sb = new StringBuilder(INITIAL_CHARS);

    private Flat() {}

    public Flat put(String key, long value) {
      sb.append(key).append(' ').append(value).append('\n');
      return this;
    }

    public Flat put(String key, String value) {
      sb.append(key).append(' ').append(value).append('\n');
      return this;
    }

    /** The content; empty if no key was put. */
    @Override
    public String toString() {
      return sb.toString();
    }
  }

  /** Builds nested keyed content, one line per {@link #line}. */
  public static final class Nested {
    private final StringBuilder sb = new StringBuilder(INITIAL_CHARS);
    private boolean open;

    private Nested() {}

    /** Starts a line for {@code key}. */
    public Nested line(String key) {
      if (open) {
        sb.append('\n');
      }
      sb.append(key);
      open = true;
      return this;
    }

    public Nested put(String sub, long value) {
      return put(sub, Long.toString(value));
    }

    public Nested put(String sub, String value) {
      if (!open) {
        throw new IllegalStateException("call line(key) first");
      }
      sb.append(' ').append(sub).append('=').append(value);
      return this;
    }

    @Override
    public String toString() {
      return open ? sb + "\n" : "";
    }
  }
}
