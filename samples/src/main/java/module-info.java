/** The cgdev tool and demo. */
module io.cgdev.samples {
  requires io.cgdev.api;
  requires io.cgdev.core;
  requires info.picocli;
  requires org.slf4j;
}
