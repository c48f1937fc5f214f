package io.cgdev.sim;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a simulation on stderr: one line redrawn in place on a terminal, a plain line every
 * quarter otherwise (logs and CI). Called from the simulating thread only.
 */
public interface Progress {
  /** Shows nothing (tests, {@code --quiet}). */
  Progress NONE = (done, text) -> {};

  /**
   * Reports progress.
   *
   * @param done the fraction done, 0..1
   * @param text a short status, e.g. the simulated time
   */
  void update(double done, String text);

  /** The run is over; a terminal line is finished with a newline. */
  default void finish() {}

  /** A progress bar on {@code out}; redrawn in place when {@code terminal}. */
  static Progress bar(PrintStream out, boolean terminal) {
    return terminal ? new Bar(out) : new Lines(out);
  }

  /** The redrawn bar. */
  final class Bar implements Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private int lastCells = -1;
    private long lastDraw;

    Bar(PrintStream out) {
      this.out = out;
    }

    @Override
    public void update(double done, String text) {
      int cells = (int) Math.round(Math.min(1, Math.max(0, done)) * WIDTH);
      long now = System.nanoTime();
      // redraw on a visible change, at most every 50 ms, so the terminal is not the bottleneck
      if (cells == lastCells && now - lastDraw < 50_000_000L) {
        return;
      }
      lastCells = cells;
      lastDraw = now;
      out.print(String.format(Locale.ROOT, "\r[%s%s] %3.0f%% %s\u001b[K",
          "#".repeat(cells), ".".repeat(WIDTH - cells), done * 100, text));
      out.flush();
    }

    @Override
    public void finish() {
      if (lastCells >= 0) {
        out.println();
      }
    }
  }

  /** Plain lines at 25 %, 50 %, 75 % and 100 %. */
  final class Lines implements Progress {
    private final PrintStream out;
    private int quarter;

    Lines(PrintStream out) {
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
}
