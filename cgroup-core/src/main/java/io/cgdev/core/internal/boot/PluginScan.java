package io.cgdev.core.internal.boot;

import io.cgdev.core.internal.guard.Diagnostics;
import io.cgdev.core.internal.guard.Plugin;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.Spliterator;
import java.util.function.Predicate;

/**
 * Finds providers of one SPI type with a {@link ServiceLoader}, each on its own guard: a provider
 * that cannot be loaded or instantiated is reported ({@code CGDEV-PLUGIN-BROKEN}) with its class and
 * location, and the scan goes on. Providers whose class was already seen (given explicitly, or found
 * by an earlier scan) are skipped without being instantiated.
 */
public final class PluginScan {
  /** A bound on lookups, so that a loader that keeps failing cannot loop forever. */
  private static final int MAX_LOOKUPS = 10_000;

  private PluginScan() {}

  /**
   * Scans one loader.
   *
   * @param seen classes already taken; found classes are added
   * @param accept which provider classes this scan is about (a plugin folder's own, say)
   * @return the new instances, in the loader's order
   */
  public static <T> List<T> scan(Class<T> service, ServiceLoader<T> loader, Set<Class<?>> seen,
      Predicate<Class<?>> accept, Diagnostics diagnostics) {
    List<ServiceLoader.Provider<T>> providers = new ArrayList<>();
    Spliterator<ServiceLoader.Provider<T>> it = loader.stream().spliterator();
    for (int i = 0; i < MAX_LOOKUPS; i++) {
      try {
        if (!it.tryAdvance(providers::add)) {
          break;
        }
      } catch (ServiceConfigurationError | LinkageError e) {
        reportUnloadable(service, e, diagnostics);
      }
    }
    List<T> out = new ArrayList<>();
    for (ServiceLoader.Provider<T> p : providers) {
      Class<? extends T> type;
      try {
        type = p.type();
      } catch (ServiceConfigurationError | LinkageError e) {
        reportUnloadable(service, e, diagnostics);
        continue;
      }
      if (!accept.test(type) || !seen.add(type)) {
        continue;
      }
      try {
        out.add(p.get());
      } catch (ServiceConfigurationError | RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
        diagnostics.report("CGDEV-PLUGIN-BROKEN", service.getSimpleName() + " provider " + type.getName() + " from "
            + Plugin.origin(type) + " could not be instantiated and was skipped: " + Diagnostics.describe(e), e);
      }
    }
    return out;
  }

  private static void reportUnloadable(Class<?> service, Throwable e, Diagnostics diagnostics) {
    diagnostics.report("CGDEV-PLUGIN-BROKEN",
        "a " + service.getSimpleName() + " provider could not be loaded and was skipped: " + Diagnostics.describe(e), e);
  }
}
