package io.cgdev.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.Cgroups;
import io.cgdev.state.Configuration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code cgdev snapshot} prints, byte for byte, the golden files for the tree built here, which
 * covers every field of the snapshot and the strings JSON must escape. They were first written by
 * the core's own Jackson rendering; since each cgroup's files are split into {@code configuration}
 * (the settings a restore writes back) and {@code status}, the only change to them is that split
 * (run with {@code -Dcgdev.golden.write=true} to write them again after a deliberate change, and
 * read the diff).
 */
class SnapshotJsonTest {
  @ParameterizedTest
  @EnumSource(Cgroups.Layout.class)
  void rendersTheGoldenBytes(Cgroups.Layout layout) throws IOException {
    try (Cgroups cg = tree(layout)) {
      String rendered = SnapshotJson.render(cg.snapshot(), Configuration.read(cg.fs()));
      if (Boolean.getBoolean("cgdev.golden.write")) {
        Files.writeString(Path.of("src/test/resources/io/cgdev/cli", goldenName(layout)), rendered);
      }
      assertThat(rendered).isEqualTo(golden(layout));
    }
  }

  @ParameterizedTest
  @EnumSource(Cgroups.Layout.class)
  void readsBackTheConfigurationOfBothForms(Cgroups.Layout layout) throws IOException {
    try (Cgroups cg = tree(layout)) {
      Configuration config = Configuration.read(cg.fs());
      SnapshotJson.Document whole = SnapshotJson.parse(golden(layout), "golden");
      assertThat(whole.configuration()).isEqualTo(config);
      assertThat(whole.layout()).isEqualTo(layout.name());
      assertThat(whole.controllers()).containsExactly("snap");
      assertThat(whole.devices()).containsExactly("acc1", "gpu0");
      assertThat(whole.tasks()).isEqualTo(2);
      SnapshotJson.Document part = SnapshotJson.parse(SnapshotJson.renderConfiguration(cg.snapshot(), config), "part");
      assertThat(part.configuration()).isEqualTo(config);
      assertThat(part.tasks()).isZero();
    }
  }

  @Test
  void whatCannotBeReadBackIsNamedByFileAndLineOrPointer() {
    assertThatThrownBy(() -> SnapshotJson.parse("{\n  \"layout\": ,\n}", "s.json"))
        .isInstanceOf(SnapshotJson.BadSnapshotException.class).hasMessageStartingWith("s.json:2:");
    assertThatThrownBy(() -> SnapshotJson.parse("{\"layout\": \"PER_CONTROLLER\", \"controllers\": [], \"devices\": [],"
        + " \"root\": {\"path\": \"/\", \"configuration\": {\"a\": 1}, \"children\": []}}", "s.json"))
        .hasMessage("s.json: /root/configuration/a: must be a string");
    assertThatThrownBy(() -> SnapshotJson.parse("{\"layout\": \"PER_CONTROLLER\", \"controllers\": [], \"devices\": [],"
        + " \"root\": {\"path\": \"/\", \"files\": {}, \"children\": []}}", "s.json"))
        .hasMessageContaining("s.json: /root/files: a snapshot from before configuration and status were separated");
    assertThatThrownBy(() -> SnapshotJson.parse("{\"layout\": \"PER_CONTROLLER\", \"controllers\": [], \"devices\": [],"
        + " \"root\": {\"path\": \"/\", \"configuration\": {}, \"children\": [], \"extra\": 1}}", "s.json"))
        .hasMessageStartingWith("s.json: /root/extra: unknown field (known: path, tasks, configuration, status, children)");
    assertThatThrownBy(() -> SnapshotJson.parse("{\"layout\": \"PER_CONTROLLER\", \"controllers\": [], \"devices\": [],"
        + " \"root\": {\"path\": \"/\", \"configuration\": {}, \"children\": [{\"path\": \"/x/y\", \"configuration\": {},"
        + " \"children\": []}]}}", "s.json"))
        .hasMessage("s.json: /root/children/0/path: '/x/y' where '/y' belongs (a child's path is its parent's and its name)");
  }

  private static String goldenName(Cgroups.Layout layout) {
    return "snapshot-" + layout.name().toLowerCase() + ".json";
  }

  private static String golden(Cgroups.Layout layout) throws IOException {
    String name = goldenName(layout);
    try (InputStream in = SnapshotJsonTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Cgroups tree(Cgroups.Layout layout) {
    Cgroups cg = Cgroups.builder().discover(false).layout(layout).controller(new Snap()).build();
    cg.fs().mkdir("/b");
    cg.fs().mkdir("/a");
    cg.fs().write("/cgroup.subtree_control", "+snap");
    cg.fs().write("/a/cgroup.subtree_control", "+snap");
    cg.fs().mkdir("/a/x");
    cg.register(DeviceSpec.builder("gpu0", "fake").controllers("snap")
        .region(new RegionSpec("lmem0", 1L << 30)).region(new RegionSpec("smem", 1L << 20, 65536))
        .engine(new EngineSpec("rcs0", "render")).engine(new EngineSpec("ccs0", "compute"))
        .attribute("pdev", "0000:00:02.0").attribute("model", "a \"quoted\" model").build());
    cg.register(DeviceSpec.builder("acc1", "other").controllers("snap").build());
    cg.fs().write(layout == Cgroups.Layout.PER_DEVICE ? "/a/x/devices/gpu0/snap.value" : "/a/x/snap.devices/gpu0/snap.value", "7");
    cg.tasks().spawn("worker", CgroupPath.parse("/b"));
    cg.tasks().spawn("init\tthing", CgroupPath.root());
    return cg;
  }

  /** A controller whose files cover the snapshot's cases: host and device files, root-only and not-on-root, unreadable, failing, escaped. */
  static final class Snap implements Controller<Snap.State> {
    static final class State implements DeviceState {
      final CgroupHandle cgroup;
      volatile long value;

      State(CgroupHandle cgroup) {
        this.cgroup = cgroup;
      }
    }

    @Override
    public String name() {
      return "snap";
    }

    @Override
    public List<CgroupFile<CgroupHandle>> hostFiles() {
      return List.of(CgroupFile.readOnly("where", (c, h) -> c.path() + "\n"));
    }

    @Override
    public List<CgroupFile<State>> deviceFiles() {
      return List.of(
          CgroupFile.readWrite("value", (s, h) -> s.value + "\n", (s, v, h) -> s.value = Long.parseLong(v), FileFlag.NOT_ON_ROOT),
          CgroupFile.readOnly("capacity", (s, h) -> "100\n", FileFlag.ONLY_ON_ROOT),
          CgroupFile.readOnly("text", (s, h) -> "quote \" backslash \\ tab \t bell \u0007 del \u007f e-acute \u00e9 snowman \u2603 "
              + "clef \ud834\udd1e slash / cr \r nul \u0000 end\n"),
          CgroupFile.readOnly("broken", (s, h) -> {
            throw CgroupException.of(Errno.ENODEV, "broken in %s", s.cgroup.path());
          }),
          CgroupFile.<State>named("secret").writer((s, v, h) -> s.value = v.length()).build());
    }

    @Override
    public DeviceBinding<State> bind(BindContext<State> context) {
      return (cgroup, parent) -> new State(cgroup);
    }
  }
}
