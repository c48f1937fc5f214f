package io.cgdev.tck;

import static io.cgdev.tck.ControllerConformance.Write.accepted;
import static io.cgdev.tck.ControllerConformance.Write.refused;

import io.cgdev.api.Errno;
import io.cgdev.api.spi.Controller;
import io.cgdev.controller.cpuset.CpusetController;
import java.util.List;

/** Our cpuset controller passes the kit, with the list format's documented forms. */
class CpusetControllerConformanceTest extends ControllerConformance {
  @Override
  protected Controller<?> controller() {
    return new CpusetController();
  }

  @Override
  protected List<Write> writes() {
    return List.of(
        accepted("cpuset.cpus", "1,0", "0-1\n"), // canonical: ascending, runs as a-b
        accepted("cpuset.cpus", "1", "1\n"),
        accepted("cpuset.cpus", "\n", "\n"), // empty (echo > cpuset.cpus): as the parent
        refused("cpuset.cpus", "1-0", Errno.EINVAL), // a reversed range
        refused("cpuset.cpus", "0,,1", Errno.EINVAL),
        accepted("cpuset.mems", "0", "0\n"),
        refused("cpuset.mems", "x", Errno.EINVAL),
        accepted("cpuset.cpus.partition", "member", "member\n"),
        refused("cpuset.cpus.partition", "leader", Errno.EINVAL));
  }
}
