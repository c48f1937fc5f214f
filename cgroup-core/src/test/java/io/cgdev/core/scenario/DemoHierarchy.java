package io.cgdev.core.scenario;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.core.Cgroups;
import io.cgdev.core.testing.DemoController;
import io.cgdev.core.testing.ZetaController;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What the scenario tests that drive the file view start from: a core booted with the demo and zeta
 * controllers only (no discovery), fresh for each test method and closed after it.
 */
abstract class DemoHierarchy {
  final DemoController demo = new DemoController();
  final ZetaController zeta = new ZetaController();
  final Cgroups cg = Cgroups.builder().discover(false).controller(demo).controller(zeta).build();
  final CgroupFs fs = cg.fs();

  @AfterEach
  void close() {
    cg.close();
  }

  /** The entries' names, in the order the listing gave them. */
  static List<String> names(List<FsEntry> entries) {
    return entries.stream().map(FsEntry::name).toList();
  }
}
