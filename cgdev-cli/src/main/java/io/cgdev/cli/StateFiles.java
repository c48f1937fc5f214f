package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.fuse.OwnershipJournal;
import io.cgdev.state.StateBase;
import io.cgdev.state.StateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What the commands that keep or read a state file ({@code mount --state}, {@code snapshot --state},
 * {@code restore --state}) share: the base a world offers, and the mount's ownership hook backed by a
 * state file.
 */
final class StateFiles {
  private StateFiles() {}

  /**
   * The base of a booted world: its layout, controllers and devices, and the scenario that built its
   * tree and spawned its tasks (the SHA-256 of the file), or {@code none}.
   */
  static StateBase base(World w, Path scenarioFile) {
    List<String> controllers = w.cgroups().controllers().stream().sorted().toList();
    List<String> devices = w.cgroups().devices();
    return new StateBase(w.cgroups().layout().name(), controllers, devices, scenario(scenarioFile));
  }

  private static String scenario(Path file) {
    if (file == null) {
      return "none";
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
      return "sha-256 " + HexFormat.of().formatHex(digest);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read the scenario " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The mount's ownership hook, kept in {@code state}. */
  static OwnershipJournal ownership(StateFile state) {
    return OwnershipJournal.of(state::ownership, state::record, state::atomically);
  }
}
