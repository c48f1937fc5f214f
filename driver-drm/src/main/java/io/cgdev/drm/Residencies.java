package io.cgdev.drm;

import java.util.Collection;
import java.util.List;

/**
 * A device's {@link Residency residencies}, one per region, in the regions' order. Found by region
 * identity on the hot paths (a batch's use of a buffer touches its region's list): a device has a
 * handful of regions, and a scan comparing references costs less than hashing a region's name. Fixed
 * at construction; guarded, as the residencies are, by the device lock.
 */
final class Residencies {
  private final Residency[] all;

  private Residencies(Residency[] all) {
    this.all = all;
  }

  /** One residency per region. */
  static Residencies forRegions(Collection<MemoryRegion> regions) {
    return new Residencies(regions.stream().map(Residency::new).toArray(Residency[]::new));
  }

  /** The residency of {@code region}, one of the device's. */
  Residency in(MemoryRegion region) {
    for (Residency r : all) {
      if (r.region() == region) {
        return r;
      }
    }
    throw new IllegalArgumentException("not a region of this device: " + region.name());
  }

  /** The residency of the region named {@code name}, or null when the device has no such region. */
  Residency get(String name) {
    for (Residency r : all) {
      if (r.region().name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /** Every residency, in the regions' order. */
  List<Residency> values() {
    return List.of(all);
  }
}
