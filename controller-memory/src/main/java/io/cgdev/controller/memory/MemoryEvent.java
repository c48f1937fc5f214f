package io.cgdev.controller.memory;

import java.util.Locale;

/**
 * The keys of {@code memory.events} and {@code memory.events.local}, in memcg's order (mm/memcontrol.c
 * {@code __memory_events_show}).
 */
enum MemoryEvent {
  /** Memory below effective {@code memory.low} was reclaimed because nothing unprotected was left. */
  LOW,
  /** A charge took usage above {@code memory.high}. */
  HIGH,
  /** A charge would have passed {@code memory.max} (or, at the root, the capacity). */
  MAX,
  /** A charge still failed after reclaim, or a lowered {@code memory.max} could not be reached. */
  OOM,
  /** Tasks killed to free memory. Device memory has no OOM killer: always 0, kept for memcg tools. */
  OOM_KILL,
  /** Group OOM kills ({@code memory.oom.group}): always 0, as {@link #OOM_KILL}. */
  OOM_GROUP_KILL,
  /** Network sockets throttled by memory pressure: nothing of a device's, always 0. */
  SOCK_THROTTLED;

  static final MemoryEvent[] ALL = values();

  /** The key as files show it, e.g. {@code oom_kill}. */
  String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
