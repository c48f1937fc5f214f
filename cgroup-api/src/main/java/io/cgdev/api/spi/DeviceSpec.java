package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a driver registers: a device name, the controllers that shall govern it, and the resources it
 * offers them. A device may register several times under distinct names for distinct resources
 * (e.g. one registration per memory tile).
 *
 * @param name the device name shown in the file view, e.g. {@code i915.0}: letters, digits, {@code
 *     . _ : -}, at most 64 characters
 * @param driver the driver's name, e.g. {@code i915}
 * @param controllers names of the controllers to bind, e.g. {@code memory}, {@code cpu}
 * @param regions memory regions, for the memory and cpuset controllers
 * @param engines engines, for the cpu and cpuset controllers; an engine's index is its number
 * @param reclaimer evicts device memory on the memory controller's request; {@link
 *     Reclaimer#NONE} if the device cannot evict
 * @param clock the device's time source, used for bandwidth periods
 * @param attributes free-form facts (e.g. {@code pdev=0000:00:02.0}) controllers or tools may show
 */
@Stability(Stability.Status.STABLE)
public record DeviceSpec(
    String name,
    String driver,
    Set<String> controllers,
    List<RegionSpec> regions,
    List<EngineSpec> engines,
    Reclaimer reclaimer,
    DeviceClock clock,
    Map<String, String> attributes) {

  private static final Pattern DEVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  private static final Pattern RESOURCE_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  public DeviceSpec {
    if (name == null || !DEVICE_NAME.matcher(name).matches() || name.endsWith(".devices")) {
      throw CgroupException.of(Errno.EINVAL, "invalid device name '%s': use letters, digits and . _ : - (at most 64)", name);
    }
    Objects.requireNonNull(driver, "driver");
    controllers = Set.copyOf(new LinkedHashSet<>(controllers));
    if (controllers.isEmpty()) {
      throw CgroupException.of(Errno.EINVAL, "device %s names no controller", name);
    }
    regions = List.copyOf(regions);
    engines = List.copyOf(engines);
    checkUnique(name, "region", regions.stream().map(RegionSpec::name).toList());
    checkUnique(name, "engine", engines.stream().map(EngineSpec::name).toList());
    Objects.requireNonNull(reclaimer, "reclaimer");
    Objects.requireNonNull(clock, "clock");
    attributes = Map.copyOf(attributes);
  }

  /** Starts a spec for the named device of the named driver. */
  public static Builder builder(String name, String driver) {
    return new Builder(name, driver);
  }

  /** The region with this name, or {@code null}. */
  public RegionSpec region(String regionName) {
    for (RegionSpec r : regions) {
      if (r.name().equals(regionName)) {
        return r;
      }
    }
    return null;
  }

  /** The index of the engine with this name, or -1. */
  public int engineIndex(String engineName) {
    for (int i = 0; i < engines.size(); i++) {
      if (engines.get(i).name().equals(engineName)) {
        return i;
      }
    }
    return -1;
  }

  static void checkResourceName(String name, String what) {
    if (name == null || !RESOURCE_NAME.matcher(name).matches()) {
      throw CgroupException.of(Errno.EINVAL, "invalid %s name '%s': use [a-z][a-z0-9_-]*, at most 32", what, name);
    }
  }

  private static void checkUnique(String device, String what, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw CgroupException.of(Errno.EINVAL, "device %s: %s '%s' given twice", device, what, n);
      }
    }
  }

  /** Builds a {@link DeviceSpec}; defaults: no resources, no reclaimer, the system clock. */
  public static final class Builder {
    private final String name;
    private final String driver;
    private final Set<String> controllers = new LinkedHashSet<>();
    private final List<RegionSpec> regions = new ArrayList<>();
    private final List<EngineSpec> engines = new ArrayList<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private Reclaimer reclaimer = Reclaimer.NONE;
    private DeviceClock clock = DeviceClock.SYSTEM;

    private Builder(String name, String driver) {
      this.name = name;
      this.driver = driver;
    }

    public Builder controllers(String... names) {
      controllers.addAll(List.of(names));
      return this;
    }

    public Builder region(RegionSpec region) {
      regions.add(region);
      return this;
    }

    public Builder engine(EngineSpec engine) {
      engines.add(engine);
      return this;
    }

    public Builder reclaimer(Reclaimer reclaimer) {
      this.reclaimer = reclaimer;
      return this;
    }

    public Builder clock(DeviceClock clock) {
      this.clock = clock;
      return this;
    }

    public Builder attribute(String key, String value) {
      attributes.put(key, value);
      return this;
    }

    public DeviceSpec build() {
      return new DeviceSpec(name, driver, controllers, regions, engines, reclaimer, clock, attributes);
    }
  }
}
