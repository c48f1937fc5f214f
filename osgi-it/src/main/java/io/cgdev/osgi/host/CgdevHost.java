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
 * bundle that stops has its devices unregistered, one that starts is probed.
 *
 * <p>Framework properties read: {@code i915.descriptor} (passed to the core as an option) and
 * {@code cgdev.demo} ({@code true} runs {@link Demo} once booted). Called by the framework on its
 * own thread.
 */
public final class CgdevHost implements BundleActivator {
  private static final Logger LOG = LoggerFactory.getLogger(CgdevHost.class);

  private Cgroups cgroups;
  private DriverTracker drivers;
  private ServiceRegistration<Cgroups> cgroupsRegistration;
  private ServiceRegistration<CgroupFs> fsRegistration;

  @Override
  public void start(BundleContext context) {
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
    if (Boolean.parseBoolean(context.getProperty("cgdev.demo"))) {
      Demo.run(cgroups, System.out);
    }
  }

  @Override
  public void stop(BundleContext context) {
    fsRegistration.unregister();
    cgroupsRegistration.unregister();
    drivers.close();
    cgroups.close();
  }
}
