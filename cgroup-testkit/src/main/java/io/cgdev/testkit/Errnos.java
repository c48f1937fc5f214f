package io.cgdev.testkit;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;

/** Assertion help for the errno contract: every bad input is a {@link CgroupException} with an errno. */
@Stability(Stability.Status.EXPERIMENTAL)
public final class Errnos {
  private Errnos() {}

  /**
   * Runs {@code action} and returns the errno of the {@link CgroupException} it throws, e.g. {@code
   * assertThat(errnoOf(() -> gpu.write(a, "cpu.weight", "0"))).isEqualTo(Errno.ERANGE)}. Any other
   * exception passes through.
   *
   * @throws AssertionError if the action throws nothing
   */
  public static Errno errnoOf(Runnable action) {
    try {
      action.run();
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("expected a CgroupException, but nothing was thrown");
  }
}
