package io.cgdev.core.internal.hierarchy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.core.testing.DemoController;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControllerEntryTest {
  @Test
  void readsTheTableWithFullNames() {
    ControllerEntry<?> e = ControllerEntry.of(new DemoController(), 3);
    assertThat(e.name()).isEqualTo("demo");
    assertThat(e.index()).isEqualTo(3);
    assertThat(e.bit()).isEqualTo(8L);
    assertThat(e.hostFiles()).containsOnlyKeys("demo.info");
    assertThat(e.deviceFiles().keySet()).containsExactly("demo.value", "demo.capacity", "demo.local");
    assertThat(e.withIndex(0).bit()).isEqualTo(1L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Memory", "1cpu", "cgroup", "devices", "a-b", "a.b"})
  void refusesBadNames(String name) {
    assertThatThrownBy(() -> ControllerEntry.checkName(name, Object.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "cpu", "rdma", "a_1"})
  void acceptsGoodNames(String name) {
    ControllerEntry.checkName(name, Object.class);
  }

  @Test
  void refusesDuplicateFilesAndAHostFileNamedDevices() {
    assertThatThrownBy(() -> ControllerEntry.of(new DemoController() {
      @Override
      public List<CgroupFile<CgroupHandle>> hostFiles() {
        return List.of(CgroupFile.readOnly("devices", (c, h) -> ""));
      }
    }, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("devices");
    assertThatThrownBy(() -> ControllerEntry.of(new DemoController() {
      @Override
      public List<CgroupFile<State>> deviceFiles() {
        return List.of(CgroupFile.readOnly("x", (s, h) -> ""), CgroupFile.readOnly("x", (s, h) -> ""));
      }
    }, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }
}
