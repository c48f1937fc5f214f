package io.cgdev.controller.memory;

import java.util.Locale;

/** The keys of {@code memory.swap.events}, in memcg's order ({@code swap_events_show}). */
enum SwapEvent {
  /** A swap-out left the cgroup's swap usage above its {@code memory.swap.high}. */
  HIGH,
  /** A swap-out was refused because it would have passed a {@code memory.swap.max}. */
  MAX,
  /** A swap-out failed, so the buffer stayed in device memory (always with {@link #MAX} here). */
  FAIL;

  static final SwapEvent[] ALL = values();

  /** The key as the file shows it. */
  String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
