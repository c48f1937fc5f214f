package io.cgdev.core.internal.guard;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the diagnostics of a hierarchy (boot, plugin faults while it runs, close), logging each
 * one once as a warning: the code and the message at WARN, the stack trace of the cause at DEBUG
 * only, so that a user's terminal shows what failed and not where (the message names the plugin,
 * its class, module and jar). Thread-safe.
 *
 * <p>Runtime faults repeat (a reader that always throws fails every read), so they are reported
 * {@link #reportOnce once per key}; and the list keeps at most {@value #MAX_ENTRIES} entries, so a
 * long-running hierarchy with a broken plugin cannot grow it without bound.
 */
public final class Diagnostics {
  private static final Logger LOG = LoggerFactory.getLogger("io.cgdev.core.Cgroups");
  /** The most entries kept; later ones are logged and counted in {@link #dropped()} only. */
  public static final int MAX_ENTRIES = 1000;

  private final List<Entry> list = new CopyOnWriteArrayList<>();
  private final Set<String> onceKeys = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();

  /** One diagnostic; the exported {@code Diagnostic} is made from it, so internals never depend on the entry point. */
  private record Entry(String code, String message) {}

  /** Records and logs one diagnostic. */
  public void report(String code, String message, Throwable cause) {
    if (list.size() < MAX_ENTRIES) {
      list.add(new Entry(code, message));
    } else {
      dropped.incrementAndGet();
    }
    LOG.warn("{}: {}", code, message);
    if (cause != null && LOG.isDebugEnabled()) {
      LOG.debug(code + ": stack trace of the cause", cause);
    }
  }

  /**
   * Records and logs a diagnostic the first time {@code key} is reported; later reports with the
   * same key are logged at DEBUG only.
   *
   * @return true if this was the first report of the key
   */
  public boolean reportOnce(String key, String code, String message, Throwable cause) {
    if (onceKeys.add(key)) {
      report(code, message, cause);
      return true;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(code + " (again): " + message, cause);
    }
    return false;
  }

  /** How many diagnostics were not kept because {@value #MAX_ENTRIES} were kept already. */
  public long dropped() {
    return dropped.get();
  }

  /** The diagnostics so far, in the order reported, each made by {@code factory} from code and message. */
  public <T> List<T> list(BiFunction<String, String, T> factory) {
    return list.stream().map(e -> factory.apply(e.code(), e.message())).toList();
  }

  /** A one-line description of a failure: its type and message, and its root cause's. */
  public static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String s = (t instanceof io.cgdev.api.CgroupException ce ? ce.errno().name() : t.getClass().getSimpleName()) + ": "
        + t.getMessage();
    return root == t ? s : s + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
