package io.cgdev.osgi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * An embedded OSGi framework (whichever {@link FrameworkFactory} is on the class path: Apache Felix
 * here) with cgdev's bundles installed, used by {@link FelixDemo} and the integration test.
 *
 * <p>Start order matters: Aries SPI Fly must be active before the bundles it weaves (the core, which
 * uses {@code ServiceLoader}) and registers (the plugins); the host bundle {@value #HOST}, which boots
 * the hierarchy, starts last. Not thread-safe; one thread drives it.
 */
public final class OsgiRuntime implements AutoCloseable {
  /** The symbolic name of the host bundle (this module's jar). */
  public static final String HOST = "io.cgdev.osgi";

  /** The symbolic name of Aries SPI Fly's dynamic weaving bundle. */
  public static final String SPIFLY = "org.apache.aries.spifly.dynamic.bundle";

  private final Framework framework;

  private OsgiRuntime(Framework framework) {
    this.framework = framework;
  }

  /**
   * Starts a fresh framework whose cache lives in {@code storage} (cleaned first).
   *
   * @param properties extra framework properties, e.g. {@code i915.descriptor} for the host
   * @throws IllegalStateException if no framework is on the class path or it cannot start
   */
  public static OsgiRuntime start(Path storage, Map<String, String> properties) {
    Map<String, String> config = new HashMap<>(properties);
    config.put(Constants.FRAMEWORK_STORAGE, storage.toAbsolutePath().toString());
    config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
    FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path: add org.apache.felix.framework"));
    Framework fw = factory.newFramework(config);
    try {
      fw.start();
    } catch (BundleException e) {
      throw new IllegalStateException("the OSGi framework did not start: " + e.getMessage(), e);
    }
    return new OsgiRuntime(fw);
  }

  /** The system bundle's context. */
  public BundleContext context() {
    return framework.getBundleContext();
  }

  /**
   * Installs every OSGi bundle among {@code jars} (plain jars and the framework itself are skipped)
   * and starts them: SPI Fly first, the host last, fragments never.
   *
   * @return the installed bundles, in start order
   */
  public List<Bundle> installAndStart(List<Path> jars) throws BundleException {
    List<Bundle> bundles = new ArrayList<>();
    for (Path jar : jars) {
      String bsn = symbolicName(jar);
      if (bsn == null || bsn.equals(framework.getSymbolicName())) {
        continue;
      }
      bundles.add(context().installBundle(jar.toUri().toString()));
    }
    bundles.sort(Comparator.comparingInt(OsgiRuntime::startRank));
    // SPI Fly's woven ServiceLoader calls also search the caller's context class loader: with the
    // launcher's class path there (a test's holds every cgdev jar), providers would load twice, once
    // outside the framework ("not a subtype"). Bundles start with no context class loader.
    Thread thread = Thread.currentThread();
    ClassLoader saved = thread.getContextClassLoader();
    thread.setContextClassLoader(null);
    try {
      for (Bundle b : bundles) {
        if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
          b.start();
        }
      }
    } finally {
      thread.setContextClassLoader(saved);
    }
    return bundles;
  }

  /** The installed bundle with this symbolic name. */
  public Bundle bundle(String symbolicName) {
    for (Bundle b : context().getBundles()) {
      if (symbolicName.equals(b.getSymbolicName())) {
        return b;
      }
    }
    throw new IllegalArgumentException("no bundle " + symbolicName + " is installed");
  }

  /** The jars in a folder, sorted by name. */
  public static List<Path> jarsIn(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list bundles in " + folder, e);
    }
  }

  /** Stops the framework and waits (at most 30 s) until it has stopped. */
  @Override
  public void close() throws BundleException {
    framework.stop();
    try {
      framework.waitForStop(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int startRank(Bundle b) {
    if (SPIFLY.equals(b.getSymbolicName())) {
      return 0;
    }
    return HOST.equals(b.getSymbolicName()) ? 2 : 1;
  }

  private static String symbolicName(Path jar) {
    try (JarFile jf = new JarFile(jar.toFile())) {
      var mf = jf.getManifest();
      if (mf == null) {
        return null;
      }
      String bsn = mf.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
      return bsn == null ? null : bsn.split(";")[0].trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }
}
