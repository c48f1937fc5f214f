package io.cgdev.core.internal.guard;

import java.security.CodeSource;

/**
 * A plugin as diagnostics name it: what it is, its name if known, and its class, which tells the
 * module and the jar or folder it was loaded from.
 *
 * @param kind {@code controller}, {@code driver}, or {@code plugin} when only a class is known (a
 *     state object, say)
 * @param name the plugin's name ({@code memory}, {@code i915}), or {@code null} if unknown
 * @param type the plugin's class (or the class of the object of its that failed)
 */
public record Plugin(String kind, String name, Class<?> type) {
  /** A controller. */
  public static Plugin controller(String name, Class<?> type) {
    return new Plugin("controller", name, type);
  }

  /** A driver. */
  public static Plugin driver(String name, Class<?> type) {
    return new Plugin("driver", name, type);
  }

  /** Plugin code known by one of its objects only (a device state, a binding). */
  public static Plugin ofObject(Object o) {
    return new Plugin("plugin", null, o.getClass());
  }

  /** E.g. {@code controller power (com.acme.PowerController, module com.acme.power at file:/p/power.jar)}. */
  public String describe() {
    return kind + (name == null ? "" : " " + name) + " (" + type.getName() + ", " + origin(type) + ")";
  }

  @Override
  public String toString() {
    return describe();
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
}
