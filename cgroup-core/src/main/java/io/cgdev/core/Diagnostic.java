package io.cgdev.core;

/**
 * A problem found while booting a hierarchy that did not stop it, e.g. a broken plugin that was
 * skipped. Every code is explained in {@code docs/DIAGNOSTICS.md}.
 *
 * @param code a stable code, e.g. {@code CGDEV-PLUGIN-BROKEN}
 * @param message what happened, naming the plugin class and where it was loaded from
 */
public record Diagnostic(String code, String message) {
  @Override
  public String toString() {
    return code + ": " + message;
  }
}
