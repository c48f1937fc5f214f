package io.cgdev.osgi.host;

import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.Cgroups;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows driver bundles while the hierarchy lives. Aries SPI Fly registers every {@link
 * DriverProvider} a started bundle declares (its {@code osgi.serviceloader} capability) as an OSGi
 * service and unregisters it when the bundle stops; this tracker turns those events into {@link
 * DriverProvider#remove()} (the driver unplugs its devices, which unregisters them from every
 * cgroup) and {@link DriverProvider#probe} (the devices register again).
 *
 * <p>A driver the core already probed at boot (through the woven {@code ServiceLoader}) is adopted,
 * not probed twice. Plugins need no OSGi code for any of this. Callbacks run on the thread that
 * starts or stops the driver bundle, while that bundle's classes are still usable.
 */
final class DriverTracker extends ServiceTracker<DriverProvider, DriverProvider> {
  private static final Logger LOG = LoggerFactory.getLogger(DriverTracker.class);

  private final Cgroups cgroups;
  /** Boot-time instances this tracker has removed: never adopted again. */
  private final Set<DriverProvider> removed = ConcurrentHashMap.newKeySet();

  DriverTracker(BundleContext context, Cgroups cgroups) {
    super(context, DriverProvider.class, null);
    this.cgroups = cgroups;
  }

  @Override
  public DriverProvider addingService(ServiceReference<DriverProvider> reference) {
    Bundle bundle = reference.getBundle();
    for (DriverProvider d : cgroups.drivers()) {
      if (FrameworkUtil.getBundle(d.getClass()) == bundle && !removed.contains(d)) {
        return d;
      }
    }
    DriverProvider driver = context.getService(reference);
    if (driver == null) {
      return null;
    }
    try {
      driver.probe(cgroups.context());
    } catch (RuntimeException e) {
      // the driver stays out, as at boot (CGDEV-DRIVER-PROBE-FAILED); the hierarchy goes on
      LOG.warn("CGDEV-DRIVER-PROBE-FAILED: driver {} from bundle {} failed to probe: {}",
              driver.getClass().getName(), bundle.getSymbolicName(), e.toString());
      driver.remove();
      context.ungetService(reference);
      return null;
    }
    LOG.info("driver {} from bundle {} probed; devices now {}", driver.name(), bundle.getSymbolicName(), cgroups.devices());
    return driver;
  }

  @Override
  public void removedService(ServiceReference<DriverProvider> reference, DriverProvider driver) {
    driver.remove();
    if (cgroups.drivers().contains(driver)) {
      removed.add(driver);
    } else {
      context.ungetService(reference);
    }
    LOG.info("driver {} from bundle {} removed; devices now {}", driver.name(),
            reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName(), cgroups.devices());
  }
}
