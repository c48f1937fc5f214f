/**
 * cgdev's FUSE front end: mounts a {@link io.cgdev.api.CgroupFs} as a real file system, so that
 * bash, coreutils and any cgroup tool read and change the modelled hierarchy as they would
 * {@code /sys/fs/cgroup}.
 *
 * <p>The entry point is {@link io.cgdev.fuse.CgroupMount}. Calls libfuse3's low-level API through
 * the FFM API (no native code of its own, no other binding); run with {@code
 * --enable-native-access=io.cgdev.fuse}. {@code io.cgdev.fuse.internal} is not exported and never
 * depends on {@code io.cgdev.fuse}.
 */
module io.cgdev.fuse {
  requires transitive io.cgdev.api;
  requires org.slf4j;
  requires io.cgdev.core;

  exports io.cgdev.fuse;
}
