package io.cgdev.core.internal.guard;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.DeviceState;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one place where the core calls into plugin code (constructors and tables at boot aside, which
 * {@code PluginScan} and {@code Plugins} guard): {@code bind}, {@code createState}, the state
 * lifecycle, file readers and writers, attach hooks, {@code capability}, {@code checkReleased},
 * {@code unbind}. A plugin's {@link CgroupException} is its answer and passes through where the SPI
 * allows one; anything else it throws is a fault, which becomes
 *
 * <ul>
 *   <li>for an operation that may fail ({@link #call}, {@link #run}): a {@link CgroupException} with
 *       {@link Errno#EIO} for that operation, after which the caller undoes what the operation did
 *       (so a failed mkdir leaves no cgroup behind);
 *   <li>for a hook that must not throw ({@link #hook}): nothing; the operation goes on.
 * </ul>
 *
 * <p>Either way the fault is reported once per plugin class and operation as {@value #CODE}, naming
 * the plugin, its class, module and jar (docs/DIAGNOSTICS.md). What counts as a fault: runtime
 * exceptions, linkage errors (a plugin whose classes went away), assertion errors and stack
 * overflows; other errors (out of memory) are the JVM's and propagate. Thread-safe; called under the
 * hierarchy lock or without it, as the operation runs.
 */
public final class PluginGuard {
  /** The diagnostic code of a plugin fault. */
  public static final String CODE = "CGDEV-PLUGIN-FAULT";

  private final Diagnostics diagnostics;

  public PluginGuard(Diagnostics diagnostics) {
    this.diagnostics = diagnostics;
  }

  /** A guard that reports into diagnostics of its own (tests, the test kit). */
  public static PluginGuard logging() {
    return new PluginGuard(new Diagnostics());
  }

  public Diagnostics diagnostics() {
    return diagnostics;
  }

  /**
   * Calls plugin code whose failure fails the operation.
   *
   * @param operation what the core was doing, e.g. {@code read /a/power.devices/x0/power.max}
   * @throws CgroupException the plugin's own, or {@code EIO} for a fault
   */
  public <T> T call(Plugin who, String operation, Supplier<T> body) {
    try {
      return body.get();
    } catch (CgroupException e) {
      throw e;
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      throw fault(who, operation, e);
    }
  }

  /** {@link #call} without a result. */
  public void run(Plugin who, String operation, Runnable body) {
    call(who, operation, () -> {
      body.run();
      return null;
    });
  }

  /** Calls a hook that must not throw; whatever it throws, {@link CgroupException} included, is reported and ignored. */
  public void hook(Plugin who, String operation, Runnable body) {
    try {
      body.run();
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      report(who, operation, e);
    }
  }

  /**
   * {@link DeviceState#drained()}, a throw counting as drained (reported), so that a broken state
   * cannot keep its cgroup dying for ever.
   */
  public boolean drained(DeviceState s) {
    BooleanSupplier q = s::drained;
    try {
      return q.getAsBoolean();
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      report(Plugin.ofObject(s), "drained() (treated as drained)", e);
      return true;
    }
  }

  /** Reports a fault and returns the {@code EIO} error the failed operation throws. */
  public CgroupException fault(Plugin who, String operation, Throwable e) {
    report(who, operation, e);
    return new CgroupException(Errno.EIO, operation + ": " + who.describe() + " failed: " + Diagnostics.describe(e)
        + " [" + CODE + "]", e);
  }

  private void report(Plugin who, String operation, Throwable e) {
    String verb = operation.indexOf(' ') < 0 ? operation : operation.substring(0, operation.indexOf(' '));
    diagnostics.reportOnce(who.type().getName() + "#" + verb, CODE,
        who.describe() + " threw in " + operation + ": " + Diagnostics.describe(e), e);
  }
}
