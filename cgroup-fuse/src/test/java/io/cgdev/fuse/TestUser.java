package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/**
 * A local user for tests that act as a delegatee through {@code runuser}: made with {@code useradd}
 * if missing, removed again with {@code userdel} by {@link #remove} if this test made it (a user
 * that was there before is left alone). Needs root.
 */
final class TestUser {
  private final String name;
  private final boolean made;

  private TestUser(String name, boolean made) {
    this.name = name;
    this.made = made;
  }

  /** Makes {@code name} unless it exists. */
  static TestUser ensure(String name) {
    boolean exists = Shell.bash(Path.of("/"), "id -u " + name + " >/dev/null 2>&1").exit() == 0;
    if (!exists) {
      Shell.Result r = Shell.bash(Path.of("/"), "useradd -M -s /bin/bash " + name);
      assertThat(r.exit()).as("useradd %s: %s", name, r.err()).isZero();
    }
    return new TestUser(name, !exists);
  }

  String name() {
    return name;
  }

  /** Removes the user if {@link #ensure} made it; never fails (a clean-up step). */
  void remove() {
    if (made) {
      Shell.Result r = Shell.bash(Path.of("/"), "userdel " + name);
      if (r.exit() != 0) {
        System.err.println("could not remove test user " + name + ": " + r.err().strip());
      }
    }
  }
}
