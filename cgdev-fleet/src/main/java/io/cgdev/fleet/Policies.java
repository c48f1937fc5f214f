package io.cgdev.fleet;

import io.cgdev.fleet.placement.PlacementPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The placement policies found with {@link ServiceLoader}: built-in ones and any on the module path. */
public final class Policies {
  private Policies() {}

  /** The names of every policy found, sorted. */
  public static List<String> names() {
    TreeMap<String, PlacementPolicy> all = load();
    return new ArrayList<>(all.keySet());
  }

  /**
   * A fresh instance of the policy named {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static PlacementPolicy create(String name) {
    PlacementPolicy p = load().get(name);
    if (p == null) {
      throw new IllegalArgumentException("no placement policy '" + name + "' (known: " + String.join(", ", names()) + ")");
    }
    return p;
  }

  private static TreeMap<String, PlacementPolicy> load() {
    TreeMap<String, PlacementPolicy> all = new TreeMap<>();
    for (PlacementPolicy p : ServiceLoader.load(PlacementPolicy.class)) {
      PlacementPolicy old = all.putIfAbsent(p.name(), p);
      if (old != null) {
        throw new IllegalStateException("two placement policies are called '" + p.name() + "': "
            + old.getClass().getName() + " and " + p.getClass().getName());
      }
    }
    return all;
  }
}
