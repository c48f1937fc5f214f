package io.cgdev.core.testing;

/** Another class that also calls itself {@code demo}: a duplicate-name conflict. */
public class DemoTwin extends DemoController {
  public DemoTwin() {
    super("demo");
  }
}
