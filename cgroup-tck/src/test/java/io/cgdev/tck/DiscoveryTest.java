package io.cgdev.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DriverProvider;
import io.cgdev.sample.rdma.RdmaDriver;
import org.junit.jupiter.api.Test;

/** The discovery rules pass for a plugin that declares itself both ways and fail, saying what to add, for one that does not. */
class DiscoveryTest {
  @Test
  void aPluginListedInBothPlacesPasses() {
    Discovery.onClassPath(RdmaDriver.class, DriverProvider.class);
    Discovery.onModulePath(RdmaDriver.class, DriverProvider.class);
    Discovery.providesAndServicesAgree(RdmaDriver.class);
  }

  @Test
  void aControllerWithoutAServicesFileFailsWithWhatToAdd() {
    assertThatThrownBy(() -> Discovery.onClassPath(Unlisted.class, Controller.class))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(Unlisted.class.getName())
        .hasMessageContaining("Add the file src/main/resources/META-INF/services/io.cgdev.api.spi.Controller containing the line: "
            + Unlisted.class.getName());
  }

  @Test
  void servicesFileContentIgnoresCommentsAndBlanks() {
    assertThat(Discovery.services("# header\ncom.acme.A\n\n  com.acme.B # trailing\n")).containsExactly("com.acme.A", "com.acme.B");
  }

  /** Not listed anywhere: what a plugin without META-INF/services looks like on the class path. */
  abstract static class Unlisted implements Controller<io.cgdev.api.spi.DeviceState> {}
}
