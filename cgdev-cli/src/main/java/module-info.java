/**
 * The cgdev tool: the {@code cgdev} command line (demo, scenarios, shell, tree, snapshot, a FUSE
 * mount, a Prometheus endpoint with {@code --metrics}). Scenarios, their engine and the report come from the simulator ({@code io.cgdev.sim}). {@code cgdev mount} needs
 * {@code --enable-native-access=io.cgdev.fuse} (the launcher
 * passes it). The only module of cgdev with an SLF4J binding
 * (slf4j-simple, warn level unless {@code --verbose}).
 *
 * @uses io.cgdev.api.spi.Controller through the core's discovery, plus plugin folders given with
 *     {@code --plugins}
 * @uses io.cgdev.api.spi.DriverProvider likewise
 */
module io.cgdev.cli {
  requires io.cgdev.api;
  requires io.cgdev.core;
  requires io.cgdev.i915;
  requires io.cgdev.fuse;
  requires io.cgdev.state;
  requires io.cgdev.metrics;
  requires io.cgdev.sim;
  // not used by the tool itself: it puts the plugin building blocks in the boot layer, so that plugins
  // loaded with --plugins (and the samples) that use them find them there
  requires io.cgdev.plugin.support;
  requires io.cgdev.fleet;
  requires info.picocli;
  requires org.slf4j;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires org.jline;

  opens io.cgdev.cli to info.picocli;

  uses io.cgdev.api.spi.Controller;
  uses io.cgdev.api.spi.DriverProvider;
}
