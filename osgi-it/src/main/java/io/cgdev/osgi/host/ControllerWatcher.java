package io.cgdev.osgi.host;

import io.cgdev.api.spi.Controller;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows controller bundles. A hierarchy's controllers are fixed when it boots (each has a dense index
 * into every cgroup's state array, as the kernel's subsystems are built in), so a controller bundle that
 * stops cannot leave the running hierarchy, and one that starts cannot join it. The host therefore boots
 * a new hierarchy without (or with) it: {@link CgdevHost#reboot} closes the old one (drivers removed,
 * services withdrawn) and publishes a new {@code Cgroups} whose {@code controllers()} tell the truth. The
 * cgroup tree and its settings are not carried over: users follow the {@code Cgroups} service.
 *
 * <p>The reboot runs on a thread of its own once the bundle's state change is over, so that SPI Fly's
 * woven {@code ServiceLoader} no longer (or already) sees the bundle. Plugins need no OSGi code.
 */
final class ControllerWatcher extends ServiceTracker<Controller<?>, String> {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerWatcher.class);

  private final CgdevHost host;
  private final ExecutorService rebooter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cgdev-controller-watcher");
    t.setContextClassLoader(null); // as OsgiRuntime starts bundles: woven look-ups see the bundles only
    return t;
  });
  private volatile boolean closing;

  @SuppressWarnings({"unchecked", "rawtypes"}) // Controller is generic; the tracker wants its raw class
  ControllerWatcher(BundleContext context, CgdevHost host) {
    super(context, (Class) Controller.class, null);
    this.host = host;
  }

  @Override
  public String addingService(ServiceReference<Controller<?>> reference) {
    Controller<?> c = context.getService(reference);
    if (c == null) {
      return null;
    }
    String name = c.name();
    context.ungetService(reference);
    Set<String> present = host.controllers();
    if (!closing && !present.contains(name)) {
      LOG.info("controller {} arrived from bundle {}: booting a hierarchy with it", name, reference.getBundle().getSymbolicName());
      rebooter.execute(host::reboot);
    }
    return name;
  }

  @Override
  public void removedService(ServiceReference<Controller<?>> reference, String name) {
    if (!closing && host.controllers().contains(name)) {
      LOG.info("controller {} left with its bundle: booting a hierarchy without it", name);
      rebooter.execute(host::reboot);
    }
  }

  @Override
  public void close() {
    closing = true;
    super.close();
    rebooter.shutdownNow();
  }
}
