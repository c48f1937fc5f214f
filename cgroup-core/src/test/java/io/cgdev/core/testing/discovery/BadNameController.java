package io.cgdev.core.testing.discovery;

/** A discovered controller with a reserved name. */
public class BadNameController extends DiscoController {
  @Override
  public String name() {
    return "cgroup";
  }
}
