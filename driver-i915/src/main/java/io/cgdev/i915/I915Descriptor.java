package io.cgdev.i915;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The modelled hardware: one entry per device. JSON form (every field optional):
 *
 * <pre>{@code
 * {"devices": [{"name": "i915.0", "pdev": "0000:00:02.0", "smem": "16G",
 *               "lmem": ["4G", "4G"], "chunk": "64K",
 *               "engines": ["rcs0", "bcs0", "vcs0", "vcs1", "vecs0", "ccs0", "ccs1", "ccs2", "ccs3"]}]}
 * }</pre>
 *
 * Sizes use the byte-size format ({@code 4G}). {@code smem} is the system memory the device may use
 * (region {@code system0}); {@code lmem} lists the local memory of each tile (regions {@code local0},
 * {@code local1}, ...); engine classes follow from the name prefix ({@code rcs} render, {@code bcs}
 * copy, {@code vcs} video, {@code vecs} video-enhance, {@code ccs} compute).
 */
@Stability(Stability.Status.EXPERIMENTAL)
public record I915Descriptor(List<Device> devices) {
  /** The default engines. */
  public static final List<String> DEFAULT_ENGINES =
      List.of("rcs0", "bcs0", "vcs0", "vcs1", "vecs0", "ccs0", "ccs1", "ccs2", "ccs3");

  /**
   * One device.
   *
   * @param name device name, e.g. {@code i915.0}
   * @param pdev PCI address
   * @param smem system memory bytes
   * @param lmem local memory bytes per tile (regions {@code local0}, {@code local1}, ...)
   * @param chunk the buddy allocator's minimum chunk for local memory
   * @param engines engine names
   */
  public record Device(String name, String pdev, long smem, List<Long> lmem, long chunk, List<String> engines) {
    public Device {
      lmem = List.copyOf(lmem);
      engines = List.copyOf(engines);
      for (String e : engines) {
        engineClass(e);
      }
    }
  }

  public I915Descriptor {
    devices = List.copyOf(devices);
  }

  /** One tile with 4 GiB local memory, 16 GiB system memory and the default engines. */
  public static I915Descriptor defaults() {
    return new I915Descriptor(List.of(device(0, List.of(4L << 30))));
  }

  /** A device numbered {@code n} with the default engines and the given tiles. */
  public static Device device(int n, List<Long> lmemPerTile) {
    return new Device("i915." + n, String.format("0000:%02x:02.0", n), 16L << 30, lmemPerTile, 64 << 10, DEFAULT_ENGINES);
  }

  /**
   * Parses the JSON form.
   *
   * @throws CgroupException {@code EINVAL} naming the field for malformed input
   */
  public static I915Descriptor parse(String json) {
    JsonNode root;
    try {
      root = JsonMapper.builder().build().readTree(json);
    } catch (JacksonException e) {
      throw new CgroupException(Errno.EINVAL, "invalid i915 descriptor: " + e.getOriginalMessage(), e);
    }
    JsonNode devs = root.path("devices");
    if (!devs.isArray() || devs.isEmpty()) {
      return defaults();
    }
    List<Device> out = new ArrayList<>();
    for (int i = 0; i < devs.size(); i++) {
      JsonNode d = devs.get(i);
      Device def = device(i, List.of(4L << 30));
      List<Long> lmem = new ArrayList<>();
      if (d.has("lmem")) {
        for (JsonNode t : d.get("lmem")) {
          lmem.add(size(t, "devices[" + i + "].lmem"));
        }
      } else {
        lmem.addAll(def.lmem());
      }
      List<String> engines = new ArrayList<>();
      if (d.has("engines")) {
        d.get("engines").forEach(e -> engines.add(e.asString()));
      } else {
        engines.addAll(DEFAULT_ENGINES);
      }
      out.add(new Device(
          d.has("name") ? d.get("name").asString() : def.name(),
          d.has("pdev") ? d.get("pdev").asString() : def.pdev(),
          d.has("smem") ? size(d.get("smem"), "devices[" + i + "].smem") : def.smem(),
          lmem,
          d.has("chunk") ? size(d.get("chunk"), "devices[" + i + "].chunk") : def.chunk(),
          engines));
    }
    return new I915Descriptor(out);
  }

  /**
   * Reads a descriptor file.
   *
   * @throws CgroupException {@code ENOENT} if it cannot be read, {@code EINVAL} if malformed
   */
  public static I915Descriptor read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new CgroupException(Errno.ENOENT, "cannot read i915 descriptor " + file + ": " + e.getMessage(), e);
    }
  }

  private static long size(JsonNode n, String field) {
    long v = n.isNumber() ? n.asLong() : ByteSize.parse(n.asString());
    if (v <= 0 || v == ByteSize.MAX) {
      throw CgroupException.of(Errno.EINVAL, "i915 descriptor: %s must be a positive size, got %s", field, n);
    }
    return v;
  }

  /**
   * The engine class of an i915 engine name.
   *
   * @throws CgroupException {@code EINVAL} for an unknown prefix
   */
  public static String engineClass(String engine) {
    String prefix = engine.replaceAll("[0-9]+$", "");
    return switch (prefix) {
      case "rcs" -> "render";
      case "bcs" -> "copy";
      case "vcs" -> "video";
      case "vecs" -> "video-enhance";
      case "ccs" -> "compute";
      default -> throw CgroupException.of(Errno.EINVAL, "i915 descriptor: unknown engine '%s' (rcs, bcs, vcs, vecs, ccs)", engine);
    };
  }
}
