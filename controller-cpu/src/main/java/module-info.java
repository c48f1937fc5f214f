/**
 * The cpu controller for devices: fair sharing of engine time ({@code cpu.weight}, {@code
 * cpu.weight.nice}) and bandwidth caps ({@code cpu.max}, {@code cpu.max.burst}) per device, metered
 * in {@code cpu.stat}, and the time clients waited for engines in {@code cpu.pressure}. Drivers reach it only through {@link io.cgdev.api.spi.TimeSharing}.
 *
 * @provides io.cgdev.api.spi.Controller the controller named {@code cpu}
 */
module io.cgdev.controller.cpu {
  requires io.cgdev.api;
  requires io.cgdev.plugin.support;

  provides io.cgdev.api.spi.Controller with
      io.cgdev.controller.cpu.CpuController;
}
