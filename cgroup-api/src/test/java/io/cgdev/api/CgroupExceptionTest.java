package io.cgdev.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CgroupExceptionTest {
  @Test
  void aRefusalCarriesErrnoAndMessageButNoStackTrace() {
    CgroupException e = CgroupException.refusal(Errno.ENOSPC, "gpu.0: cannot charge 4096 bytes of vram to /a");
    assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
    assertThat(e.getMessage()).isEqualTo("gpu.0: cannot charge 4096 bytes of vram to /a");
    assertThat(e).hasToString("ENOSPC: gpu.0: cannot charge 4096 bytes of vram to /a");
    assertThat(e.getStackTrace()).isEmpty();
    e.addSuppressed(new IllegalStateException("cleanup failed"));
    assertThat(e.getSuppressed()).as("suppression stays on: a caller may still attach what went wrong after").hasSize(1);
  }

  @Test
  void aLazyRefusalMakesItsMessageOnceWhenFirstAskedAndSerializesAsAPlainOne() throws Exception {
    int[] made = {0};
    CgroupException e = CgroupException.refusal(Errno.ENOSPC, () -> "refused #" + ++made[0]);
    assertThat(made[0]).as("not made before it is asked for").isZero();
    assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
    assertThat(e.getStackTrace()).isEmpty();
    assertThat(e).hasToString("ENOSPC: refused #1").hasMessage("refused #1");
    assertThat(made[0]).isEqualTo(1);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(e);
    }
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      CgroupException back = (CgroupException) in.readObject();
      assertThat(back.errno()).isEqualTo(Errno.ENOSPC);
      assertThat(back).hasMessage("refused #1");
    }
  }

  @Test
  void theConstructorsKeepTheirStackTrace() {
    assertThat(new CgroupException(Errno.EINVAL, "bad").getStackTrace()).isNotEmpty();
    assertThat(CgroupException.of(Errno.EINVAL, "bad %d", 1).getStackTrace()).isNotEmpty();
  }
}
