package io.cgdev.osgi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;

/**
 * The cgdev demo inside Apache Felix: installs the bundles of a folder (default {@code
 * osgi-it/target/bundles}) and this module's host bundle, lets the host boot the hierarchy and run
 * the demo ({@code cgdev.demo=true}), then stops and restarts the i915 bundle to show the device
 * leaving and coming back. See docs/OSGI.md for the command.
 *
 * <pre>{@code FelixDemo [bundle-folder] [host-jar]}</pre>
 */
public final class FelixDemo {
  private FelixDemo() {}

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args.length > 0 ? args[0] : "osgi-it/target/bundles");
    Path host = args.length > 1 ? Path.of(args[1]) : hostJar(folder.getParent());
    List<Path> jars = new ArrayList<>(OsgiRuntime.jarsIn(folder));
    jars.add(host);
    Path storage = Files.createTempDirectory("cgdev-felix");
    try (OsgiRuntime osgi = OsgiRuntime.start(storage, Map.of("cgdev.demo", "true"))) {
      for (Bundle b : osgi.installAndStart(jars)) {
        System.out.printf("bundle %-45s %s%n", b.getSymbolicName(), state(b));
      }
      Bundle i915 = osgi.bundle("io.cgdev.i915");
      System.out.println("\n# stopping " + i915.getSymbolicName());
      i915.stop();
      System.out.println("# starting " + i915.getSymbolicName() + " again");
      i915.start();
      System.out.println("# shutting down");
    }
  }

  private static Path hostJar(Path target) throws java.io.IOException {
    try (var s = Files.list(target)) {
      return s.filter(p -> p.getFileName().toString().matches("osgi-it-.*\\.jar")).findFirst()
          .orElseThrow(() -> new IllegalStateException("no osgi-it jar in " + target + ": build it first (docs/OSGI.md)"));
    }
  }

  private static String state(Bundle b) {
    return switch (b.getState()) {
      case Bundle.ACTIVE -> "ACTIVE";
      case Bundle.RESOLVED -> "RESOLVED";
      case Bundle.INSTALLED -> "INSTALLED";
      case Bundle.STARTING -> "STARTING";
      case Bundle.STOPPING -> "STOPPING";
      default -> "UNINSTALLED";
    };
  }
}
