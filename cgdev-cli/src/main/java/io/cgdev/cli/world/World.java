package io.cgdev.cli.world;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.Tasks;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.Cgroups;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A booted cgdev hierarchy as the tool uses it: the controllers and drivers found with
 * ServiceLoader on the module path (the i915 model registers its device at boot), plus any plugins
 * from folders. Every subcommand boots one; closing it shuts the hierarchy down.
 */
public final class World implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(World.class);

  private final Cgroups cgroups;
  private final PluginFolder plugins;
  private final CgroupFs scenarioFs;

  private World(Cgroups cgroups, PluginFolder plugins) {
    this.cgroups = cgroups;
    this.plugins = plugins;
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
   * @throws io.cgdev.api.CgroupException or another runtime exception when the core cannot boot
   */
  public static World boot(Options options) {
    Objects.requireNonNull(options, "options");
    PluginFolder plugins = PluginFolder.load(options.pluginFolders());
    Cgroups.Builder builder = Cgroups.builder().discover(true).layout(options.layout());
    for (Controller<?> c : plugins.controllers()) {
      builder.controller(c);
    }
    for (DriverProvider d : plugins.drivers()) {
      builder.driver(d);
    }
    options.options().forEach(builder::option);
    Cgroups cgroups = builder.build();
    // boot problems that did not stop it (a broken plugin skipped, ...): say so, once
    cgroups.diagnostics().forEach(d -> LOG.warn("{}", d));
    if (!plugins.modules().isEmpty()) {
      LOG.info("plugins loaded from {}: {}", options.pluginFolders(), plugins.modules());
    }
    return new World(cgroups, plugins);
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

  /** The plugins loaded from folders (empty without {@code --plugins}/{@code --with-samples}). */
  public PluginFolder plugins() {
    return plugins;
  }

  @Override
  public void close() {
    cgroups.close();
  }
}
