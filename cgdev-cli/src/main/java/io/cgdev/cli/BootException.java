package io.cgdev.cli;

/** The hierarchy could not boot; {@code cgdev} exits with {@link ExitCodes#BOOT}. */
final class BootException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BootException(String message, Throwable cause) {
    super(message, cause);
  }
}
