/**
 * A cgroup tree's configuration kept in a file, crash-safely: {@link io.cgdev.state.StateFile}
 * decorates any {@link io.cgdev.api.CgroupFs} so that every change made through it (cgroups, every
 * write to a configuration file, task moves, and the owners and modes a front end such as the FUSE
 * mount records) reaches an append-only journal, forced to disk before the change is acknowledged,
 * and is replayed when the file is opened again. {@link io.cgdev.state.Configuration} and {@link
 * io.cgdev.state.TreeRestore} read a tree's configuration and rebuild it, which the journal's
 * compaction and {@code cgdev restore} share.
 *
 * <p>Depends on the api alone; a front end glues it to what it serves (docs/STATE.md).
 */
module io.cgdev.state {
  requires transitive io.cgdev.api;
  requires org.slf4j;

  exports io.cgdev.state;
}
