package io.cgdev.sim;

import java.io.PrintStream;
import java.util.Locale;

/** Progress as plain lines at 25 %, 50 %, 75 % and 100 %, for logs and CI. Simulating thread only. */
public final class ProgressLines implements Progress {
  private final PrintStream out;
  private int quarter;

  /** Lines printed on {@code out}. */
  public ProgressLines(PrintStream out) {
    this.out = out;
  }

  @Override
  public void update(double done, String text) {
    while (quarter < 4 && done >= (quarter + 1) / 4.0) {
      quarter++;
      out.println(String.format(Locale.ROOT, "progress: %d%% %s", quarter * 25, text));
    }
  }
}
