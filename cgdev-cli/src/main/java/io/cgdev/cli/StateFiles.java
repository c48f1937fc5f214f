package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.fuse.OwnershipChange;
import io.cgdev.fuse.OwnershipJournal;
import io.cgdev.state.Ownership;
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
    return new OwnershipJournal() {
      @Override
      public List<OwnershipChange> recorded() {
        return state.ownership().stream().map(StateFiles::toMount).toList();
      }

      @Override
      public void record(OwnershipChange change) {
        state.record(toState(change));
      }

      @Override
      public void atomically(Runnable request) {
        state.atomically(request);
      }
    };
  }

  private static OwnershipChange toMount(Ownership o) {
    return switch (o) {
      case Ownership.Created c -> new OwnershipChange.Created(c.path(), c.uid(), c.gid());
      case Ownership.Chown c -> new OwnershipChange.Chown(c.path(), c.uid(), c.gid());
      case Ownership.Chmod c -> new OwnershipChange.Chmod(c.path(), c.mode());
      case Ownership.Forget f -> new OwnershipChange.Forget(f.path());
    };
  }

  private static Ownership toState(OwnershipChange o) {
    return switch (o) {
      case OwnershipChange.Created c -> new Ownership.Created(c.path(), c.uid(), c.gid());
      case OwnershipChange.Chown c -> new Ownership.Chown(c.path(), c.uid(), c.gid());
      case OwnershipChange.Chmod c -> new Ownership.Chmod(c.path(), c.mode());
      case OwnershipChange.Forget f -> new Ownership.Forget(f.path());
    };
  }
}
