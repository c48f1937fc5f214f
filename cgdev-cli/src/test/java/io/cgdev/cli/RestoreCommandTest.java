package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.cli.world.World;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cgdev restore} and {@code cgdev snapshot --state} as a user runs them: a snapshot file
 * restores to the same snapshot and into a state file that {@code snapshot --state} reads back
 * unchanged; files that cannot be used exit with code 7 and a message naming file and place, and
 * change nothing.
 */
class RestoreCommandTest {
  @TempDir Path temp;
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private static String snapshotOfATree() {
    try (World w = World.boot(World.Options.DEFAULT)) {
      w.fs().mkdir("/a");
      w.fs().write("/a/cgroup.max.descendants", "30");
      w.fs().write("/a/cgroup.max.depth", "2");
      w.fs().mkdir("/a/b");
      return Worlds.snapshot(w, false);
    }
  }

  @Test
  void aSnapshotRestoresToTheSameBytesAndIntoAStateFileThatSnapshotReadsBack() throws IOException {
    String snapshot = snapshotOfATree();
    Path file = Files.writeString(temp.resolve("tree.json"), snapshot);
    Path state = temp.resolve("tree.state");

    assertThat(run("restore", file.toString(), "--state", state.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(snapshot + "\n");
    assertThat(err.toString()).contains("3 cgroups", "wrote " + state);

    byte[] kept = Files.readAllBytes(state);
    assertThat(run("snapshot", "--state", state.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(snapshot + "\n");
    assertThat(Files.readAllBytes(state)).as("snapshot --state leaves the file as it was").isEqualTo(kept);

    assertThat(run("snapshot", "--state", state.toString(), "--configuration")).isZero();
    Path configuration = Files.writeString(temp.resolve("configuration.json"), out.toString());
    assertThat(run("restore", configuration.toString(), "--configuration")).isZero();
    assertThat(out.toString()).isEqualTo(Files.readString(configuration));
  }

  @Test
  void anUnknownFieldIsRefusedWithItsPointerAndExitCode7() throws IOException {
    Path file = Files.writeString(temp.resolve("bad.json"), snapshotOfATree().replaceFirst("\\{", "{\"colour\": \"red\","));
    assertThat(run("restore", file.toString())).isEqualTo(ExitCodes.STATE);
    assertThat(err.toString()).contains(file + ": /colour: unknown field");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void brokenJsonIsRefusedWithLineAndColumn() throws IOException {
    Path file = Files.writeString(temp.resolve("cut.json"), "{\n  \"layout\": ");
    assertThat(run("restore", file.toString())).isEqualTo(ExitCodes.STATE);
    assertThat(err.toString()).containsPattern(file + ":2:\\d+: not valid JSON");
  }

  @Test
  void aSnapshotOfAnotherWorldIsRefused() throws IOException {
    String snapshot = snapshotOfATree();
    String layout = snapshot.substring(snapshot.indexOf("\"layout\" : \"") + 12);
    layout = layout.substring(0, layout.indexOf('"'));
    Path file = Files.writeString(temp.resolve("other.json"),
        snapshot.replace("\"layout\" : \"" + layout + "\"", "\"layout\" : \"elsewhere\""));
    assertThat(run("restore", file.toString())).isEqualTo(ExitCodes.STATE);
    assertThat(err.toString()).contains("taken of a world with layout elsewhere; this one has " + layout);
  }

  @Test
  void restoreDoesNotOverwriteAStateFile() throws IOException {
    Path file = Files.writeString(temp.resolve("tree.json"), snapshotOfATree());
    Path state = Files.writeString(temp.resolve("kept.state"), "something\n");
    assertThat(run("restore", file.toString(), "--state", state.toString())).isEqualTo(ExitCodes.STATE);
    assertThat(err.toString()).contains(state + ": exists already");
    assertThat(Files.readString(state)).isEqualTo("something\n");
  }

  @Test
  void aSettingTheWorldRefusesIsExitCode7NamingTheFile() throws IOException {
    Path file = Files.writeString(temp.resolve("refused.json"),
        snapshotOfATree().replace("\"cgroup.max.descendants\" : \"30\\n\"", "\"cgroup.max.descendants\" : \"-3\\n\""));
    assertThat(Files.readString(file)).contains("\"cgroup.max.descendants\" : \"-3\\n\"");
    assertThat(run("restore", file.toString())).isEqualTo(ExitCodes.STATE);
    assertThat(err.toString()).contains(file.toString(), "ERANGE", "/a/cgroup.max.descendants");
  }
}
