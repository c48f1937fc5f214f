package io.cgdev.controller.memory;

import static io.cgdev.controller.memory.Fixture.M;
import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileFlag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every per-device memory file against memcg's documented shape of the file of the same name
 * (Documentation/admin-guide/cgroup-v2.rst, "Memory Interface Files" and "Interface Files / Format";
 * modes and key orders from mm/memcontrol.c's {@code memory_files[]}, {@code swap_files[]}, {@code
 * __memory_events_show} and {@code swap_events_show}). The table is written from the documentation;
 * the test reads each file of a cgroup in several states (fresh, charged, limited, swapped) and checks
 * the text against the row. A file the controller offers that the table does not know fails the test,
 * so a new file has to be given its documented shape here.
 */
class MemcgShapeTest {
  /** The shapes cgroup-v2.rst names. */
  enum Shape {
    /** "A read-only single value file": a non-negative number of bytes. */
    BYTES("(0|[1-9][0-9]*)\n"),
    /** "A read-write single value file": bytes or {@code max}. */
    BYTES_OR_MAX("(0|[1-9][0-9]*|max)\n"),
    /** "A read-only flat-keyed file": {@code KEY VALUE} lines, the keys below in this order. */
    FLAT_KEYED("([a-z_]+ (0|[1-9][0-9]*)\n)+"),
    /** "A write-only nested-keyed file" ({@code memory.reclaim}): nothing to read. */
    WRITE_ONLY(null),
    /** The pressure stall format of Documentation/accounting/psi.rst ({@code memory.pressure}). */
    PRESSURE("some avg10=[0-9]+\\.[0-9][0-9] avg60=[0-9]+\\.[0-9][0-9] avg300=[0-9]+\\.[0-9][0-9] total=[0-9]+\n"
        + "full avg10=[0-9]+\\.[0-9][0-9] avg60=[0-9]+\\.[0-9][0-9] avg300=[0-9]+\\.[0-9][0-9] total=[0-9]+\n");

    final Pattern pattern;

    Shape(String regex) {
      this.pattern = regex == null ? null : Pattern.compile(regex);
    }
  }

  /**
   * @param file the memcg file name
   * @param shape its documented shape
   * @param mode its mode in memcg (cgroup_file_mode: 0444 read-only, 0644 with a writer, 0200 write-only)
   * @param keys the keys of a flat-keyed file, in the kernel's order (empty: not keyed, or our own stat keys)
   */
  record Row(String file, Shape shape, int mode, List<String> keys) {}

  static final List<Row> MEMCG = List.of(
      new Row("memory.current", Shape.BYTES, 0444, List.of()),
      new Row("memory.min", Shape.BYTES_OR_MAX, 0644, List.of()),
      new Row("memory.low", Shape.BYTES_OR_MAX, 0644, List.of()),
      new Row("memory.high", Shape.BYTES_OR_MAX, 0644, List.of()),
      new Row("memory.max", Shape.BYTES_OR_MAX, 0644, List.of()),
      new Row("memory.peak", Shape.BYTES, 0644, List.of()),
      new Row("memory.events", Shape.FLAT_KEYED, 0444,
          List.of("low", "high", "max", "oom", "oom_kill", "oom_group_kill", "sock_throttled")),
      new Row("memory.events.local", Shape.FLAT_KEYED, 0444,
          List.of("low", "high", "max", "oom", "oom_kill", "oom_group_kill", "sock_throttled")),
      // memory.stat: flat keyed; its keys are the device's own (docs/MEMORY.md), memcg's are about pages of RAM
      new Row("memory.stat", Shape.FLAT_KEYED, 0444, MemoryFiles.STAT_KEYS),
      new Row("memory.reclaim", Shape.WRITE_ONLY, 0200, List.of()),
      new Row("memory.pressure", Shape.PRESSURE, 0644, List.of()), // writable: a write sets a trigger
      new Row("memory.swap.current", Shape.BYTES, 0444, List.of()),
      new Row("memory.swap.high", Shape.BYTES_OR_MAX, 0644, List.of()),
      new Row("memory.swap.max", Shape.BYTES_OR_MAX, 0644, List.of()),
      new Row("memory.swap.peak", Shape.BYTES, 0644, List.of()),
      new Row("memory.swap.events", Shape.FLAT_KEYED, 0444, List.of("high", "max", "fail")));

  /** Files cgdev adds that memcg has not: the region's size at the root, as dmem.capacity. */
  static final Map<String, Row> OURS = Map.of(
      "memory.capacity", new Row("memory.capacity", Shape.BYTES, 0444, List.of()));

  static Stream<Arguments> states() {
    Map<String, java.util.function.Consumer<Fixture>> states = new LinkedHashMap<>();
    states.put("fresh", fx -> {});
    states.put("charged and limited", fx -> {
      fx.write("/a", "max", "64M");
      fx.write("/a", "high", "1000000");
      fx.write("/a", "low", "max");
      fx.write("/a", "swap.max", "0");
      fx.alloc("/a", 0, 3 * M);
    });
    states.put("at its limit, swapped", fx -> {
      fx.write("/a", "max", "4M");
      fx.alloc("/a", 0, 4 * M);
      fx.alloc("/a", 0, 2 * M); // reclaim moves charge to swap
    });
    return states.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("states")
  void everyFileHasMemcgsShape(String state, java.util.function.Consumer<Fixture> setUp) {
    Fixture f = Fixture.oneRegion(256 * M);
    f.mkdir("/a");
    setUp.accept(f);
    for (CgroupFile<MemoryState> file : f.controller.deviceFiles()) {
      String name = "memory." + file.name();
      Row row = MEMCG.stream().filter(r -> r.file().equals(name)).findFirst().orElse(OURS.get(name));
      assertThat(row).as(name + " has no documented shape in the table").isNotNull();
      assertThat(file.mode()).as(name + " mode").isEqualTo(row.mode());
      for (String path : List.of("/", "/a")) {
        if (!file.appearsOn(path.equals("/"))) {
          continue;
        }
        if (row.shape() == Shape.WRITE_ONLY) {
          assertThat(file.readable()).as(name).isFalse();
          continue;
        }
        String text = f.read(path, file.name());
        assertThat(text).as(path + " " + name + " (" + state + ")").matches(row.shape().pattern);
        if (row.shape() == Shape.FLAT_KEYED) {
          List<String> keys = text.lines().map(l -> l.substring(0, l.indexOf(' '))).toList();
          assertThat(keys).as(path + " " + name + " keys in memcg's order").containsExactlyElementsOf(row.keys());
        }
      }
    }
  }

  @Test
  void limitsAreNotOnTheRootAsInMemcg() {
    Fixture f = Fixture.oneRegion(256 * M);
    // memcg's CFTYPE_NOT_ON_ROOT limits; current, peak, events, stat and reclaim stay on our root on purpose
    // (the root shows the device's usage: docs/MEMORY.md)
    for (String limit : List.of("min", "low", "high", "max", "swap.high", "swap.max")) {
      assertThat(f.file(limit).has(FileFlag.NOT_ON_ROOT)).as(limit).isTrue();
    }
  }
}
