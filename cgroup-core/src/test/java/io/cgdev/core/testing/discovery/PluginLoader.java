package io.cgdev.core.testing.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;

/**
 * Makes the classes of this package look like a plugin jar on the class path: a loader that defines
 * them itself (child first, so they land in its unnamed module, where {@link java.util.ServiceLoader}
 * accepts {@code META-INF/services} entries) and serves a services folder written for the test.
 * Tests run on the module path, where the test classes belong to the core's named module and a
 * services file naming them would be ignored.
 */
public final class PluginLoader extends URLClassLoader {
  private static final String PACKAGE = PluginLoader.class.getPackageName() + ".";
  private final ProtectionDomain domain;

  private PluginLoader(URL root, ClassLoader parent) {
    super(new URL[] {root}, parent);
    this.domain = new ProtectionDomain(new CodeSource(root, (Certificate[]) null), null, this, null);
  }

  /**
   * A loader whose class path holds a {@code META-INF/services} folder with one file per service.
   *
   * @param services pairs of service type and provider class names (one per line)
   */
  public static PluginLoader with(Path dir, Object... services) {
    try {
      Path meta = Files.createDirectories(dir.resolve("META-INF/services"));
      for (int i = 0; i < services.length; i += 2) {
        Files.writeString(meta.resolve(((Class<?>) services[i]).getName()), (String) services[i + 1]);
      }
      return new PluginLoader(dir.toUri().toURL(), PluginLoader.class.getClassLoader());
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(PACKAGE) || name.equals(PluginLoader.class.getName())) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = PluginLoader.class.getModule().getResourceAsStream(resource)) {
          if (in == null) {
            throw new ClassNotFoundException(name);
          }
          byte[] bytes = in.readAllBytes();
          c = defineClass(name, bytes, 0, bytes.length, domain);
        } catch (IOException e) {
          throw new ClassNotFoundException(name, e);
        }
      }
      return c;
    }
  }
}
