package io.cgdev.state;

import java.util.List;

/**
 * One operation of a state file: a name and its arguments, each a {@link String} or a {@link Long}.
 * A line of the file holds one or more ops that were made together ({@link RecordCodec}).
 *
 * <p>The ops, as docs/STATE.md lists them: {@code base LAYOUT CONTROLLERS DEVICES SCENARIO};
 * {@code mkdir PATH}, {@code rmdir PATH}, {@code write PATH VALUE [CALLER_PID NONBLOCKING]};
 * {@code created PATH UID GID}, {@code chown PATH UID GID}, {@code chmod PATH MODE},
 * {@code forget PATH}; and in a checkpoint (between {@code checkpoint} and {@code end}) {@code
 * cgroup PATH}, {@code set PATH FILE CONTENT}, {@code task PID NAME CGROUP} and the ownership ops.
 */
record Op(String name, List<Object> args) {
  Op {
    args = List.copyOf(args);
    for (Object a : args) {
      if (!(a instanceof String || a instanceof Long)) {
        throw new IllegalArgumentException("an op argument is a String or a Long: " + a);
      }
    }
  }

  static Op of(String name, Object... args) {
    Object[] normalised = args.clone();
    for (int i = 0; i < normalised.length; i++) {
      if (normalised[i] instanceof Integer n) {
        normalised[i] = n.longValue();
      }
    }
    return new Op(name, List.of(normalised));
  }

  /** Argument {@code i} as a string; a malformed op fails with a message for {@link StateException}. */
  String string(int i) {
    if (i >= args.size() || !(args.get(i) instanceof String s)) {
      throw new IllegalArgumentException(name + ": argument " + (i + 1) + " must be a quoted string");
    }
    return s;
  }

  /** Argument {@code i} as an int. */
  int integer(int i) {
    if (i >= args.size() || !(args.get(i) instanceof Long n) || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + ": argument " + (i + 1) + " must be a number");
    }
    return (int) (long) n;
  }

  /** Fails unless the op has between {@code min} and {@code max} arguments. */
  Op arity(int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw new IllegalArgumentException(name + " takes " + (min == max ? min : min + " to " + max) + " arguments, not "
          + args.size());
    }
    return this;
  }
}
