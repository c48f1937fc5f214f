package io.cgdev.state;

import java.util.List;
import java.util.Objects;

/**
 * What a state is replayed on: the world as it is when the state file is opened, before any of the
 * file's records are applied. The state file keeps the base it was made on (its second line) and
 * refuses to replay on another, because its records name files, devices and tasks of that base.
 *
 * @param layout the file layout ({@code PER_CONTROLLER}, {@code PER_DEVICE})
 * @param controllers the controllers present, in name order
 * @param devices the registered devices (e.g. {@code i915.0 (i915)}), in name order
 * @param scenario what built the base tree and spawned its tasks, e.g. the SHA-256 of a scenario
 *     file, or {@code none}
 */
public record StateBase(String layout, List<String> controllers, List<String> devices, String scenario) {
  public StateBase {
    Objects.requireNonNull(layout, "layout");
    controllers = List.copyOf(controllers);
    devices = List.copyOf(devices);
    Objects.requireNonNull(scenario, "scenario");
  }

  Op op() {
    return Op.of("base", layout, String.join(" ", controllers), String.join(", ", devices), scenario);
  }

  /** The difference to {@code recorded} in words, or {@code null} when they are the same base. */
  String differenceFrom(Op recorded) {
    Op now = op();
    String[] names = {"layout", "controllers", "devices", "scenario"};
    for (int i = 0; i < names.length; i++) {
      String then = recorded.string(i);
      String here = now.string(i);
      if (!then.equals(here)) {
        return "this state was made on a world with " + names[i] + " '" + then + "'; this one has '" + here + "'";
      }
    }
    return null;
  }
}
