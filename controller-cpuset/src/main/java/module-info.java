/**
 * The cpuset controller for devices: which engines ({@code cpuset.cpus}) and memory regions ({@code
 * cpuset.mems}) of a device a cgroup may use, with the kernel's exclusive CPUs and partitions applied
 * to engines. Drivers ask through {@link io.cgdev.api.spi.EngineMask}.
 *
 * @provides io.cgdev.api.spi.Controller the {@code cpuset} controller
 */
module io.cgdev.controller.cpuset {
  requires io.cgdev.api;
  requires org.slf4j;

  provides io.cgdev.api.spi.Controller with
      io.cgdev.controller.cpuset.CpusetController;
}
