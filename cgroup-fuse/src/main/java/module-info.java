/**
 * cgdev's FUSE front end: mounts a {@link io.cgdev.api.CgroupFs} as a real file system, so that
 * bash, coreutils and any cgroup tool read and change the modelled hierarchy as they would
 * {@code /sys/fs/cgroup}.
 *
 * <p>The entry point is {@link io.cgdev.fuse.CgroupMount}. Built on jfuse (libfuse3 through the
 * FFM API); run with {@code --enable-native-access=org.cryptomator.jfuse.linux.amd64,io.cgdev.fuse}.
 *
 * @uses org.cryptomator.jfuse.api.FuseBuilder through jfuse, which finds its Linux binding
 */
module io.cgdev.fuse {
  requires transitive io.cgdev.api;
  requires org.cryptomator.jfuse.api;
  requires org.slf4j;
  requires io.cgdev.core;

  exports io.cgdev.fuse;
}
