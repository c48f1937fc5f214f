package io.cgdev.drm.sim;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.SimulatedClock;

/**
 * The simulated clock of a DRM device, in nanoseconds from 0: it moves only when the device's
 * {@link EngineScheduler} runs or the {@link LiveRunner} advances it. Readable from any thread; never
 * goes backwards.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class SimClock extends SimulatedClock {}
