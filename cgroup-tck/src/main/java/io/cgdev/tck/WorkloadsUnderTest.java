package io.cgdev.tck;

import io.cgdev.api.Task;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceWorkloads;
import io.cgdev.api.spi.DriverProvider;
import java.util.List;
import java.util.Objects;

/**
 * A {@link DriverUnderTest} made from a driver's own {@link DeviceWorkloads} ({@link
 * DriverUnderTest#of}): the kit allocates in every region the driver names, as the simulator does.
 */
final class WorkloadsUnderTest implements DriverUnderTest {
  private final DriverProvider provider;
  private final DeviceWorkloads workloads;
  private final List<Controller<?>> controllers;
  private final String device;

  WorkloadsUnderTest(DriverProvider provider, List<Controller<?>> controllers, String device) {
    this.provider = Objects.requireNonNull(provider, "provider");
    if (!(provider instanceof DeviceWorkloads w)) {
      throw new IllegalArgumentException(provider.getClass().getName() + " does not implement "
          + DeviceWorkloads.class.getName() + ": implement it, or write a DriverUnderTest with allocate callbacks");
    }
    this.workloads = w;
    this.controllers = List.copyOf(controllers);
    this.device = Objects.requireNonNull(device, "device");
  }

  @Override
  public DriverProvider provider() {
    return provider;
  }

  @Override
  public List<Controller<?>> controllers() {
    return controllers;
  }

  @Override
  public String device() {
    return device;
  }

  @Override
  public String region() {
    return regions().getFirst();
  }

  @Override
  public List<String> regions() {
    List<String> r = workloads.regions(device);
    if (r.isEmpty()) {
      throw new AssertionError(provider.getClass().getName() + ": DeviceWorkloads.regions(" + device + ") names no region");
    }
    return r;
  }

  @Override
  public Buffer allocate(Task task, long bytes) {
    return allocate(task, region(), bytes);
  }

  @Override
  public Buffer allocate(Task task, String region, long bytes) {
    DeviceWorkloads.Allocation a = workloads.allocate(device, region, task, bytes);
    return a::close;
  }
}
