package io.cgdev.cli.world;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.Tasks;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.Cgroups;
import io.cgdev.i915.I915Driver;
import io.cgdev.sim.PluginDevices;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A booted cgdev hierarchy as the tool uses it: the controllers and drivers found with
 * ServiceLoader on the module path (the i915 model registers its device at boot), plus the plugins
 * of folders, which the core loads itself ({@link Cgroups.Builder#pluginFolder}: a module layer per
 * folder, each plugin on the core's guard, a broken one skipped with a diagnostic that the core logs
 * as a warning). Every subcommand boots one; closing it shuts the hierarchy down.
 */
public final class World implements AutoCloseable {
  private final Cgroups cgroups;
  private final Options options;
  private final CgroupFs scenarioFs;

  private World(Cgroups cgroups, Options options) {
    this.cgroups = cgroups;
    this.options = options;
    this.scenarioFs = cgroups.layout() == Cgroups.Layout.PER_DEVICE
        ? new PerDeviceFs(cgroups.fs(), cgroups.controllers())
        : cgroups.fs();
  }

  /**
   * How to boot.
   *
   * @param pluginFolders folders of third-party plugin jars to load besides the module path
   * @param options boot options handed to drivers (e.g. {@code i915.descriptor})
   * @param layout where per-device files go
   */
  public record Options(List<Path> pluginFolders, Map<String, String> options, Cgroups.Layout layout) {
    public static final Options DEFAULT = new Options(List.of(), Map.of());

    public Options {
      pluginFolders = List.copyOf(pluginFolders);
      options = Map.copyOf(options);
      Objects.requireNonNull(layout, "layout");
    }

    /** The default layout ({@code <ctrl>.devices/<device>/}). */
    public Options(List<Path> pluginFolders, Map<String, String> options) {
      this(pluginFolders, options, Cgroups.Layout.PER_CONTROLLER);
    }
  }

  /**
   * Boots a hierarchy.
   *
   * @throws io.cgdev.api.CgroupException when the core cannot boot (a missing plugin folder, two
   *     controllers given with one name, ...)
   */
  public static World boot(Options options) {
    Objects.requireNonNull(options, "options");
    Cgroups.Builder builder = Cgroups.builder().discover(true).layout(options.layout());
    options.pluginFolders().forEach(builder::pluginFolder);
    options.options().forEach(builder::option);
    return new World(builder.build(), options);
  }

  public Cgroups cgroups() {
    return cgroups;
  }

  public CgroupFs fs() {
    return cgroups.fs();
  }

  /**
   * The file view as scenarios and the simulator address it: per-device files as {@code
   * <ctrl>.devices/<device>/<ctrl>.<file>} whatever the layout ({@link PerDeviceFs}); {@link #fs()}
   * itself with the default layout.
   */
  public CgroupFs scenarioFs() {
    return scenarioFs;
  }

  public Tasks tasks() {
    return cgroups.tasks();
  }

  /**
   * The devices of the probed drivers the tool does not drive as DRM devices (plugins, samples),
   * through their {@code DeviceWorkloads}; drivers without it are named in the notes.
   */
  public PluginDevices.Found pluginDevices() {
    List<DriverProvider> others = cgroups.drivers().stream().filter(d -> !(d instanceof I915Driver)).toList();
    return PluginDevices.of(others);
  }

  /** The controllers and drivers loaded from the plugin folders, e.g. {@code driver vgem}. */
  public List<String> folderPlugins() {
    List<String> folders = options.pluginFolders().stream().map(p -> p.toAbsolutePath().normalize().toUri().toString()).toList();
    return cgroups.plugins().stream()
        .filter(p -> folders.stream().anyMatch(f -> p.origin().contains(f)))
        .map(p -> p.kind() + " " + p.name())
        .toList();
  }

  @Override
  public void close() {
    cgroups.close();
  }
}
