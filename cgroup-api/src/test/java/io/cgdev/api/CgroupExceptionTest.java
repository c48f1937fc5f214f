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
  void theConstructorsKeepTheirStackTrace() {
    assertThat(new CgroupException(Errno.EINVAL, "bad").getStackTrace()).isNotEmpty();
    assertThat(CgroupException.of(Errno.EINVAL, "bad %d", 1).getStackTrace()).isNotEmpty();
  }
}
