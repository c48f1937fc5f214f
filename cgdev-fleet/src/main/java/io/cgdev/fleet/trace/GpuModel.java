package io.cgdev.fleet.trace;

import java.util.Map;
import java.util.Optional;

/**
 * A GPU type of the trace and the device memory one GPU of it has. The trace names V100M16, V100M32,
 * T4, P100 and A10 and hides three internal types as G1, G2 and G3; their memory is an assumption
 * (docs/FLEET.md): 32 GiB, the largest of the disclosed types the cluster runs, so that no pod's
 * memory share is understated by a guess.
 *
 * @param name the trace's name of the type
 * @param memoryBytes device memory of one GPU
 * @param disclosed whether the memory size is published (false: the assumption above)
 */
public record GpuModel(String name, long memoryBytes, boolean disclosed) {
  private static final long GIB = 1L << 30;
  private static final Map<String, GpuModel> KNOWN = Map.of(
      "V100M16", new GpuModel("V100M16", 16 * GIB, true),
      "V100M32", new GpuModel("V100M32", 32 * GIB, true),
      "T4", new GpuModel("T4", 16 * GIB, true),
      "P100", new GpuModel("P100", 16 * GIB, true),
      "A10", new GpuModel("A10", 24 * GIB, true),
      "G1", new GpuModel("G1", 32 * GIB, false),
      "G2", new GpuModel("G2", 32 * GIB, false),
      "G3", new GpuModel("G3", 32 * GIB, false));

  /** The type the trace calls {@code name}; empty for a name it does not use. */
  public static Optional<GpuModel> of(String name) {
    return Optional.ofNullable(KNOWN.get(name));
  }
}
