package io.cgdev.core.testing.discovery;

/** A discovered controller whose constructor fails. */
public class BrokenCtorController extends DiscoController {
  public BrokenCtorController() {
    throw new IllegalStateException("cannot start: broken on purpose");
  }
}
