/**
 * The cgdev API: what users, tools and plugins see, and nothing else.
 *
 * <p>{@code io.cgdev.api} is the user-facing half: {@link io.cgdev.api.CgroupFs} (the file view, the
 * one door for users, the CLI, the shell and FUSE), {@link io.cgdev.api.CgroupPath}, errors carrying
 * an {@link io.cgdev.api.Errno}, modelled {@link io.cgdev.api.Task tasks}, and the codecs of the cgroup
 * v2 value formats.
 *
 * <p>{@code io.cgdev.api.spi} is the plugin-facing half: a controller implements
 * {@link io.cgdev.api.spi.Controller}; a device driver implements {@link io.cgdev.api.spi.DriverProvider}
 * and talks to controllers only through typed capabilities ({@link io.cgdev.api.spi.MemoryCharging},
 * {@link io.cgdev.api.spi.TimeSharing}, {@link io.cgdev.api.spi.EngineMask}).
 *
 * <p>Depends on the JDK alone.
 */
module io.cgdev.api {
  exports io.cgdev.api;
  exports io.cgdev.api.spi;
}
