package io.cgdev.testkit;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.SimulatedClock;

/**
 * A simulated device clock that moves only when the test moves it ({@link #advance}, {@link #set});
 * give it to {@link io.cgdev.api.spi.DeviceSpec.Builder#clock}. Starts at 0; moving it back is
 * refused with {@code EINVAL}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class FakeClock extends SimulatedClock {}
