package io.cgdev.conformance;

import java.nio.charset.StandardCharsets;

/**
 * What a step writes: literal bytes (the same on both sides), or a pid of one of the side's own
 * processes in one of the forms the kernel's {@code kstrtoint} reads (so {@code 0x1f3a} means the
 * helper process on the host and the modelled task in cgdev).
 */
sealed interface Value {
  /** The bytes written on {@code side}. */
  byte[] bytes(Side side);

  /** A bash command printing the bytes ({@code printf ...}), for the replay script. */
  String shell();

  /** A short form for messages. */
  String describe();

  /** Literal bytes. */
  record Bytes(byte[] data) implements Value {
    static Bytes of(String latin1) {
      return new Bytes(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    static Bytes utf8(String text) {
      return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] bytes(Side side) {
      return data.clone();
    }

    @Override
    public String shell() {
      return Shell.printfCommand(data);
    }

    @Override
    public String describe() {
      return Shell.describe(data);
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  /** Process {@code process}'s pid, written as {@code form} says. */
  record Pid(int process, Form form) implements Value {
    @Override
    public byte[] bytes(Side side) {
      int pid = side.pid(process);
      return String.format(form.javaFormat, repeat(pid, form.uses)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Object[] repeat(int pid, int n) {
      Object[] a = new Object[n];
      java.util.Arrays.fill(a, pid);
      return a;
    }

    @Override
    public String shell() {
      return "printf -- '" + form.shellFormat + "'" + (" \"$P" + process + "\"").repeat(form.uses);
    }

    @Override
    public String describe() {
      return form.name().toLowerCase() + "(p" + process + ")";
    }
  }

  /** How a pid is spelled: forms kstrtoint(strstrip(s), 0) takes and some it refuses. */
  enum Form {
    DECIMAL("%d", "%d", 1),
    PLUS("+%d", "+%d", 1),
    PADDED(" %d \n", " %d \\n", 1),
    HEX("0x%x", "0x%x", 1),
    OCTAL("0%o", "0%o", 1),
    NUL_TAIL("%d\0junk", "%d\\000junk", 1),
    NEGATIVE("-%d", "-%d", 1),
    TWICE("%d %d", "%d %d", 2),
    TWO_LINES("%d\n%d", "%d\\n%d", 2);

    final String javaFormat;
    final String shellFormat;
    final int uses;

    Form(String javaFormat, String shellFormat, int uses) {
      this.javaFormat = javaFormat;
      this.shellFormat = shellFormat;
      this.uses = uses;
    }
  }
}
