package io.cgdev.core.internal.boot;

import java.security.CodeSource;
import java.util.List;
import java.util.function.BiFunction;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Collects the diagnostics of a hierarchy (boot and close), logging each one as a warning. Thread-safe. */
public final class Diagnostics {
  private static final Logger LOG = LoggerFactory.getLogger("io.cgdev.core.Cgroups");

  private final List<Entry> list = new CopyOnWriteArrayList<>();

  /** One diagnostic; the exported {@code Diagnostic} is made from it, so internals never depend on the entry point. */
  private record Entry(String code, String message) {}

  /** Records and logs one diagnostic. */
  public void report(String code, String message, Throwable cause) {
    list.add(new Entry(code, message));
    if (cause != null) {
      LOG.warn("{}: {}", code, message, cause);
    } else {
      LOG.warn("{}: {}", code, message);
    }
  }

  /** The diagnostics so far, in the order reported, each made by {@code factory} from code and message. */
  public <T> List<T> list(BiFunction<String, String, T> factory) {
    return list.stream().map(e -> factory.apply(e.code(), e.message())).toList();
  }

  /** Where a class comes from: its module and the jar or folder, as far as the JDK tells. */
  public static String origin(Class<?> type) {
    StringBuilder sb = new StringBuilder();
    Module m = type.getModule();
    if (m.isNamed()) {
      sb.append("module ").append(m.getName());
      ModuleLayer layer = m.getLayer();
      if (layer != null) {
        layer.configuration().findModule(m.getName())
            .flatMap(rm -> rm.reference().location())
            .ifPresent(uri -> sb.append(" at ").append(uri));
      }
    } else {
      sb.append("class path");
      try {
        CodeSource cs = type.getProtectionDomain().getCodeSource();
        if (cs != null && cs.getLocation() != null) {
          sb.append(" at ").append(cs.getLocation());
        }
      } catch (SecurityException e) {
        sb.append(" (location hidden)");
      }
    }
    return sb.toString();
  }

  /** A one-line description of a failure: its type and message, and its root cause's. */
  public static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String s = t.getClass().getSimpleName() + ": " + t.getMessage();
    return root == t ? s : s + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
