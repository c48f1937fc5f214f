package io.cgdev.fault.absent;

/** The module missingdep needs; never put in a plugin folder. */
public final class Absent {
  public static String hello() {
    return "absent";
  }
}
