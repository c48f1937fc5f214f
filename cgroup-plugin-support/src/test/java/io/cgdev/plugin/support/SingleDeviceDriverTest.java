package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.Task;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceRegistration;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DriverContext;
import io.cgdev.api.spi.RegionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The single-device base against a hand-made context: what it lists, refuses and unplugs. */
class SingleDeviceDriverTest {
  /** A registration that counts unregister calls and refuses them while {@code busy}. */
  static final class Reg implements DeviceRegistration {
    final DeviceSpec spec;
    boolean registered = true;
    boolean busy;
    int unregisterCalls;

    Reg(DeviceSpec spec) {
      this.spec = spec;
    }

    @Override
    public DeviceSpec spec() {
      return spec;
    }

    @Override
    public boolean registered() {
      return registered;
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
      return Optional.empty();
    }

    @Override
    public void unregister() {
      unregisterCalls++;
      if (busy) {
        throw CgroupException.of(Errno.EBUSY, "%s: 1 byte still charged", spec.name());
      }
      registered = false;
    }
  }

  /** A context offering the given controllers, remembering what was registered. */
  static DriverContext context(Set<String> controllers, List<Reg> made) {
    return new DriverContext() {
      @Override
      public DeviceRegistration register(DeviceSpec spec) {
        Reg r = new Reg(spec);
        made.add(r);
        return r;
      }

      @Override
      public Set<String> controllers() {
        return controllers;
      }

      @Override
      public CgroupHandle cgroupOf(Task task) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CgroupHandle root() {
        throw new UnsupportedOperationException();
      }

      @Override
      public CgroupHandle cgroup(CgroupPath path) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Optional<String> option(String key) {
        return Optional.empty();
      }
    };
  }

  static final class Accel extends SingleDeviceDriver {
    final List<DeviceRegistration> seen = new ArrayList<>();

    Accel() {
      super("accel", "acc0", "hbm", "adapter");
    }

    @Override
    protected Optional<DeviceRegistration> register(DriverContext ctx) {
      return Registrar.registerWithPresent(ctx, DeviceSpec.builder(device(), name())
          .region(new RegionSpec(region(), 1L << 20)), "memory");
    }

    @Override
    protected void registered(DeviceRegistration reg) {
      assertThat(devices()).as("not listed before its capabilities are looked up").isEmpty();
      seen.add(reg);
    }

    @Override
    public Allocation allocate(String device, String region, Task task, long bytes) {
      checked(device, region);
      throw new UnsupportedOperationException("not needed here");
    }
  }

  private static Errno errno(Throwable t) {
    return ((CgroupException) t).errno();
  }

  @Test
  void beforeProbeNothingIsListedAndEveryCallIsEnodev() {
    Accel d = new Accel();
    assertThat(d.devices()).isEmpty();
    assertThatThrownBy(() -> d.regions("acc0")).satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.ENODEV))
        .hasMessage("accel: no adapter acc0");
  }

  @Test
  void probeRegistersListsAndChecksDeviceAndRegion() {
    List<Reg> made = new ArrayList<>();
    Accel d = new Accel();
    d.probe(context(Set.of("memory", "cpu"), made));
    assertThat(made).hasSize(1);
    assertThat(made.get(0).spec.controllers()).containsExactly("memory");
    assertThat(d.seen).containsExactly(made.get(0));
    assertThat(d.memory()).as("no memory capability offered").isNull();
    assertThat(d.memoryRegion()).isEqualTo(-1);
    assertThat(d.devices()).containsExactly("acc0");
    assertThat(d.regions("acc0")).containsExactly("hbm");
    assertThatThrownBy(() -> d.regions("acc1")).satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.ENODEV));
    assertThatThrownBy(() -> d.allocate("acc0", "ddr", null, 1))
        .satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.EINVAL))
        .hasMessage("accel: acc0 has no region ddr (it has hbm)");
  }

  @Test
  void withNothingToGovernTheDeviceItStaysUnlistedAndRegisteredIsNotCalled() {
    List<Reg> made = new ArrayList<>();
    Accel d = new Accel();
    d.probe(context(Set.of("cpu"), made));
    assertThat(made).isEmpty();
    assertThat(d.seen).isEmpty();
    assertThat(d.devices()).isEmpty();
  }

  @Test
  void removeUnregistersAndABusyDeviceStaysRegisteredButRefusesNewWork() {
    List<Reg> made = new ArrayList<>();
    Accel d = new Accel();
    d.probe(context(Set.of("memory"), made));
    Reg reg = made.get(0);
    reg.busy = true;
    d.remove();
    assertThat(reg.unregisterCalls).isEqualTo(1);
    assertThat(reg.registered).as("charges still out: the device stays for them").isTrue();
    assertThat(d.devices()).isEmpty();
    assertThatThrownBy(() -> d.allocate("acc0", "hbm", null, 1))
        .satisfies(e -> assertThat(errno(e)).isEqualTo(Errno.ENODEV));

    Accel idle = new Accel();
    List<Reg> idleMade = new ArrayList<>();
    idle.probe(context(Set.of("memory"), idleMade));
    idle.remove();
    idle.remove();
    assertThat(idleMade.get(0).registered).isFalse();
    assertThat(idleMade.get(0).unregisterCalls).as("a second remove finds it unregistered").isEqualTo(1);
  }

  @Test
  void anAllocationFreesOnceWhateverHowOftenItIsClosed() {
    int[] frees = {0};
    var a = SingleDeviceDriver.allocation(4096, () -> frees[0]++);
    assertThat(a.bytes()).isEqualTo(4096);
    a.close();
    a.close();
    assertThat(frees[0]).isEqualTo(1);
  }
}
