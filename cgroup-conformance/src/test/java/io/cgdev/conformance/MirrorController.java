package io.cgdev.conformance;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test-only controller standing for a kernel controller the host's cgroup2 offers (hugetlb), so
 * that the same {@code +hugetlb}/{@code -hugetlb} sequences mean the same on both sides: it has the
 * host controller's name and, as host files, the host controller's file names with their modes
 * (read from the host at start: {@code hugetlb.2MB.max} 0644, ...), so that which cgroups show them,
 * their metadata, and the names they take from child cgroups ({@code EEXIST} at enable) are
 * compared too. Their contents are the host's business and are not compared (the files read
 * empty and take any write). No device ever binds to it.
 */
final class MirrorController implements Controller<DeviceState> {
  private final String name;
  private final Map<String, Integer> files;

  /** @param files the host's file names without the controller prefix ({@code 2MB.max}), with their modes */
  MirrorController(String name, Map<String, Integer> files) {
    this.name = name;
    this.files = Map.copyOf(files);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<CgroupFile<CgroupHandle>> hostFiles() {
    List<CgroupFile<CgroupHandle>> out = new ArrayList<>();
    files.forEach((file, mode) -> {
      CgroupFile.Builder<CgroupHandle> b = CgroupFile.<CgroupHandle>named(file).flag(FileFlag.NOT_ON_ROOT);
      if ((mode & 0444) != 0) {
        b.reader((c, h) -> "");
      }
      if ((mode & 0222) != 0) {
        b.writer((c, v, h) -> {});
      }
      out.add(b.build());
    });
    return out;
  }

  @Override
  public List<CgroupFile<DeviceState>> deviceFiles() {
    return List.of();
  }

  @Override
  public DeviceBinding<DeviceState> bind(BindContext<DeviceState> context) {
    throw CgroupException.of(Errno.EINVAL, "%s mirrors a host controller: no device binds to it", name);
  }
}
