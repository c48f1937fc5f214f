package io.cgdev.core.testing;

/** A second test controller (another class, so it is not deduplicated with {@link DemoController}). */
public class ZetaController extends DemoController {
  public ZetaController() {
    super("zeta");
  }
}
