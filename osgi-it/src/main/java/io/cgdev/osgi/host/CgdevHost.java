package io.cgdev.osgi.host;

import io.cgdev.api.CgroupFs;
import io.cgdev.core.Cgroups;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activator of the host bundle {@code io.cgdev.osgi}: boots a cgroup hierarchy inside the OSGi
 * framework and publishes it as the services {@link Cgroups} and {@link CgroupFs}.
 *
 * <p>Plugins are found exactly as outside OSGi: the core calls {@code ServiceLoader}, and Aries SPI
 * Fly, which wove the core bundle, answers with the plugin bundles that declare an {@code
 * osgi.serviceloader} capability. A {@link DriverTracker} then follows the driver bundles: a driver
 * bundle that stops has its devices unregistered, one that starts is probed; a {@link ControllerWatcher}
 * follows the controller bundles: a controller is part of a hierarchy from boot to close, so a controller
 * bundle that stops or starts makes the host boot a new hierarchy without or with it ({@link #reboot}).
 *
 * <p>Framework properties read: {@code i915.descriptor} (passed to the core as an option) and
 * {@code cgdev.demo} ({@code true} runs {@link Demo} once booted). Called by the framework on its
 * own thread.
 */
public final class CgdevHost implements BundleActivator {
  private static final Logger LOG = LoggerFactory.getLogger(CgdevHost.class);

  private BundleContext context;
  private Cgroups cgroups;
  private DriverTracker drivers;
  private ControllerWatcher controllerWatcher;
  private ServiceRegistration<Cgroups> cgroupsRegistration;
  private ServiceRegistration<CgroupFs> fsRegistration;

  @Override
  public void start(BundleContext context) {
    this.context = context;
    boot();
    controllerWatcher = new ControllerWatcher(context, this);
    controllerWatcher.open();
    if (Boolean.parseBoolean(context.getProperty("cgdev.demo"))) {
      Demo.run(cgroups, System.out);
    }
  }

  private synchronized void boot() {
    Cgroups.Builder builder = Cgroups.builder();
    String descriptor = context.getProperty("i915.descriptor");
    if (descriptor != null) {
      builder.option("i915.descriptor", descriptor);
    }
    cgroups = builder.build();
    LOG.info("cgdev booted in OSGi: controllers {}, devices {}", cgroups.controllers(), cgroups.devices());
    drivers = new DriverTracker(context, cgroups);
    drivers.open();
    Dictionary<String, Object> props = new Hashtable<>();
    props.put("cgdev.controllers", String.join(" ", cgroups.controllers()));
    cgroupsRegistration = context.registerService(Cgroups.class, cgroups, props);
    fsRegistration = context.registerService(CgroupFs.class, cgroups.fs(), props);
  }

  /** Withdraws the services and closes the hierarchy, if there is one; afterwards there is none. */
  private synchronized void shutdown() {
    if (cgroups == null) {
      return;
    }
    fsRegistration.unregister();
    cgroupsRegistration.unregister();
    drivers.close();
    cgroups.close();
    cgroups = null;
  }

  /** The controllers of the hierarchy now. */
  synchronized java.util.Set<String> controllers() {
    return cgroups == null ? java.util.Set.of() : cgroups.controllers();
  }

  /**
   * Boots a new hierarchy with the controllers whose bundles are active now, after a controller bundle
   * stopped or started ({@link ControllerWatcher}); the old one is closed and its services withdrawn.
   */
  synchronized void reboot() {
    if (cgroups == null) {
      return; // stopping, or a reboot failed before: nothing to replace
    }
    shutdown();
    try {
      boot();
    } catch (RuntimeException e) {
      // the framework thread is gone; the log is the only place left to tell (no service is published)
      LOG.error("cgdev could not boot again after a controller bundle changed: {}", e.toString(), e);
    }
  }

  @Override
  public void stop(BundleContext context) {
    controllerWatcher.close();
    shutdown();
  }
}
