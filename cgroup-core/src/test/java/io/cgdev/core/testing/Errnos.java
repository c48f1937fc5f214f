package io.cgdev.core.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserting the errno of a failure. */
public final class Errnos {
  private Errnos() {}

  /** Asserts that {@code call} throws a {@link CgroupException} with this errno; returns it. */
  public static CgroupException assertErrno(Errno errno, ThrowingCallable call) {
    CgroupException[] caught = new CgroupException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(CgroupException.class, e -> {
      org.assertj.core.api.Assertions.assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
      caught[0] = e;
    });
    return caught[0];
  }
}
