package io.cgdev.sim;

/**
 * Progress of a simulation, reported by the runner from the simulating thread only: {@link
 * ProgressBar} on a terminal, {@link ProgressLines} in logs and CI, {@link #NONE} in tests and with
 * {@code --no-progress}.
 */
public interface Progress {
  /** Shows nothing (tests, {@code --no-progress}). */
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
}
