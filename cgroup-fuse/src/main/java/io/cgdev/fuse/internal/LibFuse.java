package io.cgdev.fuse.internal;

import io.cgdev.fuse.MountException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cryptomator.jfuse.api.FuseConfig;

/**
 * The installed libfuse3: where it is, whether FUSE can work on this machine at all, and the two
 * things jfuse 0.7.3 does not expose — the request context ({@code fuse_get_context}: who is
 * calling) and {@code direct_io} (cgroup files have no size known in advance).
 *
 * <p>Built once per mount on the mounting thread; {@link #currentCaller} is then called on FUSE
 * worker threads and takes no lock.
 */
public final class LibFuse {
  private static final String SONAME = "libfuse3.so.3";
  private static final List<String> KNOWN_FOLDERS = List.of(
      "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib",
      "/lib", "/usr/local/lib", "/usr/local/lib64");
  /** {@code struct fuse_context}: {@code struct fuse *fuse; uid_t uid; gid_t gid; pid_t pid; ...}. */
  private static final long CONTEXT_UID = 8;
  private static final long CONTEXT_GID = 12;
  private static final long CONTEXT_PID = 16;
  private static final long CONTEXT_SIZE = 40;
  /** {@code offsetof(struct fuse_config, direct_io)}, the same in every libfuse 3.x. */
  private static final long CONFIG_DIRECT_IO = 72;
  private static final Pattern ADDRESS = Pattern.compile("address: 0x([0-9a-fA-F]+)");

  private final Path library;
  private final MethodHandle getContext;

  private LibFuse(Path library, MethodHandle getContext) {
    this.library = library;
    this.getContext = getContext;
  }

  /**
   * Finds libfuse3 and checks {@code /dev/fuse}.
   *
   * @throws MountException naming everything that is missing and how to install it
   */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  public static LibFuse load() {
    List<String> problems = new ArrayList<>();
    Path dev = Path.of("/dev/fuse");
    if (!Files.exists(dev)) {
      problems.add("/dev/fuse is missing (load the kernel module: modprobe fuse; in a container, pass --device /dev/fuse)");
    } else if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
      problems.add("/dev/fuse is not readable and writable by this user (mount as root)");
    }
    Optional<Path> library = find();
    if (library.isEmpty()) {
      problems.add(SONAME + " not found (install it: apt-get install fuse3)");
    }
    if (!problems.isEmpty()) {
      throw new MountException("FUSE is not available: " + String.join("; ", problems));
    }
    SymbolLookup symbols = SymbolLookup.libraryLookup(library.get(), Arena.global());
    MethodHandle getContext = Linker.nativeLinker().downcallHandle(
        symbols.findOrThrow("fuse_get_context"), FunctionDescriptor.of(ValueLayout.ADDRESS),
        Linker.Option.critical(false));
    return new LibFuse(library.get(), getContext);
  }

  /** True if FUSE looks usable here; never throws. */
  public static Optional<String> unavailableReason() {
    try {
      load();
      return Optional.empty();
    } catch (MountException | UnsupportedOperationException | IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The shared library file, for jfuse's {@code setLibraryPath}. */
  public Path library() {
    return library;
  }

  /** Who sent the request this FUSE worker thread is serving. */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  public Caller currentCaller() {
    MemorySegment context;
    try {
      context = (MemorySegment) getContext.invokeExact();
    } catch (Throwable e) {
      throw new IllegalStateException("fuse_get_context failed", e);
    }
    if (context.equals(MemorySegment.NULL)) {
      return Caller.ROOT;
    }
    MemorySegment c = context.reinterpret(CONTEXT_SIZE);
    return new Caller(c.get(ValueLayout.JAVA_INT, CONTEXT_UID), c.get(ValueLayout.JAVA_INT, CONTEXT_GID),
        c.get(ValueLayout.JAVA_INT, CONTEXT_PID));
  }

  /**
   * Turns on {@code direct_io} for every open file, from the {@code init} callback: libfuse copies
   * {@code fuse_config.direct_io} into each open's file info. jfuse exposes the config read-only,
   * so this writes the field through the segment address the config reports, and checks the
   * result through jfuse's own getter.
   *
   * @return whether direct I/O is now on; if not, reads go through the page cache, which still
   *     works because files report a size of 4096 bytes and a short read marks the end
   */
  // restricted FFM calls are this class's purpose; the launcher grants native access to io.cgdev.fuse
  @SuppressWarnings("restricted")
  public static boolean enableDirectIo(FuseConfig config) {
    if (config.directIo() != 0) {
      return true;
    }
    Matcher m = ADDRESS.matcher(String.valueOf(config));
    if (!m.find()) {
      return false;
    }
    long address = Long.parseUnsignedLong(m.group(1), 16);
    MemorySegment.ofAddress(address).reinterpret(CONFIG_DIRECT_IO + Integer.BYTES)
        .set(ValueLayout.JAVA_INT, CONFIG_DIRECT_IO, 1);
    return config.directIo() == 1;
  }

  private static Optional<Path> find() {
    for (String folder : KNOWN_FOLDERS) {
      Path candidate = Path.of(folder, SONAME);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return fromLdconfig();
  }

  private static Optional<Path> fromLdconfig() {
    for (String ldconfig : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig")) {
      try {
        Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          Optional<Path> found = r.lines()
              .filter(line -> line.trim().startsWith(SONAME + " ") && line.contains("=>"))
              .map(line -> Path.of(line.substring(line.indexOf("=>") + 2).trim()))
              .filter(Files::isRegularFile)
              .findFirst();
          p.waitFor();
          if (found.isPresent()) {
            return found;
          }
        }
      } catch (IOException e) {
        // this ldconfig is not installed: try the next
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
