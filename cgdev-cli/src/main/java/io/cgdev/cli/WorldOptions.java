package io.cgdev.cli;

import io.cgdev.cli.world.World;
import io.cgdev.sim.scenario.Scenario;
import io.cgdev.sim.scenario.ScenarioParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.cgdev.core.Cgroups;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Options every subcommand that boots a hierarchy shares (a picocli mixin). */
final class WorldOptions {
  @Option(names = "--plugins", paramLabel = "DIR", description = "load third-party plugin jars from DIR (repeatable; each folder becomes a module layer of its own)")
  List<Path> pluginFolders = new ArrayList<>();

  @Option(names = "--with-samples", description = "also load the example plugins (gem controller, rdma driver)")
  boolean withSamples;

  @Option(names = "--option", paramLabel = "KEY=VALUE", description = "a boot option for drivers, e.g. i915.descriptor=FILE")
  Map<String, String> options = new LinkedHashMap<>();

  @Option(names = "--layout", paramLabel = "controller|devices", converter = LayoutConverter.class,
      description = "where per-device files go: controller (the default) puts them in <cgroup>/<ctrl>.devices/<device>/,"
          + " devices puts every controller's files of a device in <cgroup>/devices/<device>/")
  Cgroups.Layout layout = Cgroups.Layout.PER_CONTROLLER;

  /** Parses {@code --layout} while the command line is parsed, so a bad value is a usage error. */
  static final class LayoutConverter implements ITypeConverter<Cgroups.Layout> {
    @Override
    public Cgroups.Layout convert(String value) {
      return switch (value) {
        case "controller" -> Cgroups.Layout.PER_CONTROLLER;
        case "devices" -> Cgroups.Layout.PER_DEVICE;
        default -> throw new TypeConversionException("'" + value + "' is not a layout: use controller or devices");
      };
    }
  }

  /** Boots a world with these options. */
  World boot() {
    List<Path> folders = new ArrayList<>(pluginFolders);
    try {
      if (withSamples) {
        folders.addAll(SamplePlugins.folders());
      }
      return World.boot(new World.Options(folders, options, layout));
    } catch (io.cgdev.api.CgroupException e) {
      // a plugin problem is a diagnostic (logged, the plugin skipped); what stops the boot is the
      // caller's: a missing folder, two controllers given with one name
      throw new BootException(e.toString(), e);
    } catch (IllegalArgumentException e) { // --with-samples without a build of the samples
      throw new BootException(e.getMessage(), e);
    }
  }

  /** Marks the demo with the sample plugins' sections. */
  static final Path DEMO_WITH_SAMPLES = Path.of("<demo-with-samples>");

  /** Reads a scenario file, or the built-in demo when {@code file} is null. */
  static Scenario scenario(Path file) {
    if (file == DEMO_WITH_SAMPLES) {
      return ScenarioParser.parseResource(SamplePlugins.DEMO_WITH_SAMPLES_SCENARIO);
    }
    if (file == null) {
      return ScenarioParser.parseResource(SamplePlugins.DEMO_SCENARIO);
    }
    if (!Files.isRegularFile(file)) {
      throw new io.cgdev.sim.scenario.ScenarioException(file.toString(), 0, "", "no such file");
    }
    return ScenarioParser.parse(file);
  }
}
