package io.cgdev.cli;

import io.cgdev.cli.world.World;
import picocli.CommandLine.Option;

/**
 * {@code --configuration}, shared by the commands that print a snapshot of a world ({@code snapshot}
 * and {@code restore}; a picocli mixin, {@code @Mixin SnapshotForm form;}): the whole snapshot, or
 * only the part a restore rebuilds. Used on the command's thread.
 */
final class SnapshotForm {
  @Option(names = "--configuration",
      description = "print only the cgroups and their settings: the part a restore rebuilds byte for byte")
  boolean configurationOnly;

  /** The snapshot of {@code w} in the form asked for ({@link Worlds#snapshot}). */
  String render(World w) {
    return Worlds.snapshot(w, configurationOnly);
  }
}
