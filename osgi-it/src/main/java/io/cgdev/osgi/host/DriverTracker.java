package io.cgdev.osgi.host;

import io.cgdev.api.spi.DriverProvider;
import io.cgdev.core.Cgroups;
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
 * Cgroups#removeDriver} (the driver unplugs its devices, which unregisters them from every cgroup)
 * and {@link Cgroups#addDriver} (probed on the core's guard; the devices register again).
 *
 * <p>A driver the core already probed at boot (through the woven {@code ServiceLoader}) is adopted,
 * not probed twice. Plugins need no OSGi code for any of this. Callbacks run on the thread that
 * starts or stops the driver bundle, while that bundle's classes are still usable.
 */
final class DriverTracker extends ServiceTracker<DriverProvider, DriverProvider> {
  private static final Logger LOG = LoggerFactory.getLogger(DriverTracker.class);

  private final Cgroups cgroups;

  DriverTracker(BundleContext context, Cgroups cgroups) {
    super(context, DriverProvider.class, null);
    this.cgroups = cgroups;
  }

  @Override
  public DriverProvider addingService(ServiceReference<DriverProvider> reference) {
    Bundle bundle = reference.getBundle();
    for (DriverProvider d : cgroups.drivers()) {
      if (FrameworkUtil.getBundle(d.getClass()) == bundle) {
        return d; // probed at boot
      }
    }
    DriverProvider driver = context.getService(reference);
    if (driver == null) {
      return null;
    }
    if (!cgroups.addDriver(driver)) {
      // reported by the core as CGDEV-DRIVER-PROBE-FAILED; the hierarchy goes on without it
      LOG.warn("driver {} from bundle {} did not join: {}", driver.getClass().getName(), bundle.getSymbolicName(),
          cgroups.diagnostics());
      context.ungetService(reference);
      return null;
    }
    LOG.info("driver {} from bundle {} probed; devices now {}", driver.name(), bundle.getSymbolicName(), cgroups.devices());
    return driver;
  }

  @Override
  public void removedService(ServiceReference<DriverProvider> reference, DriverProvider driver) {
    cgroups.removeDriver(driver);
    context.ungetService(reference);
    LOG.info("driver {} from bundle {} removed; devices now {}", driver.name(),
        reference.getBundle() == null ? "?" : reference.getBundle().getSymbolicName(), cgroups.devices());
  }
}
