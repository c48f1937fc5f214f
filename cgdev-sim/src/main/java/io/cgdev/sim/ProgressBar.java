package io.cgdev.sim;

import java.io.PrintStream;
import java.util.Locale;

/** Progress as one line redrawn in place on a terminal, at most every 50 ms. Simulating thread only. */
public final class ProgressBar implements Progress {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private int lastCells = -1;
  private long lastDraw;

  /** A bar drawn on {@code out}, which must be a terminal (it moves the cursor back with {@code \r}). */
  public ProgressBar(PrintStream out) {
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
