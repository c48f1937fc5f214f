package io.cgdev.testkit;

import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.StateKey;

/** The state key of one {@link FakeRegistration}: its slot in every cgroup's state array. */
record FakeKey<S extends DeviceState>(FakeRegistration<S> registration, int slot) implements StateKey<S> {
  @Override
  public String toString() {
    return registration.controller().name() + "@" + registration.name() + "#" + slot;
  }
}
