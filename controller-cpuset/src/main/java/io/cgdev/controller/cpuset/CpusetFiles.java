package io.cgdev.controller.cpuset;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.IdList;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileFlag;
import java.util.BitSet;
import java.util.List;

/**
 * The cpuset interface files of one device folder ({@code <cgroup>/cpuset.devices/<device>/}).
 * Readers run on any thread and read only published values; writers run under the hierarchy lock,
 * validate the whole value first and change nothing on failure.
 */
final class CpusetFiles {
  private CpusetFiles() {}

  static List<CgroupFile<CpusetState>> all() {
    return List.of(
        CgroupFile.readWrite("cpus", (s, h) -> list(s.config().cpus()), CpusetFiles::writeCpus, FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly("cpus.effective", (s, h) -> list(s.effective().cpus())),
        CgroupFile.readWrite(
            "cpus.exclusive", (s, h) -> list(s.config().exclusive()), CpusetFiles::writeExclusive, FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly(
            "cpus.exclusive.effective", (s, h) -> list(s.effective().exclusive()), FileFlag.NOT_ON_ROOT),
        CgroupFile.readWrite(
            "cpus.partition", (s, h) -> s.effective().partitionText() + "\n", CpusetFiles::writePartition, FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly("cpus.isolated", (s, h) -> list(isolated(s)), FileFlag.ONLY_ON_ROOT),
        CgroupFile.readOnly("cpus.names", (s, h) -> engineNames(s)),
        CgroupFile.readWrite("mems", (s, h) -> list(s.config().mems()), CpusetFiles::writeMems, FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly("mems.effective", (s, h) -> list(s.effective().mems())),
        CgroupFile.readOnly("mems.names", (s, h) -> regionNames(s)));
  }

  static String list(long mask) {
    return IdList.format(BitSet.valueOf(new long[] {mask})) + "\n";
  }

  /**
   * Parses a list of ids below {@code count}.
   *
   * @throws CgroupException {@code EINVAL} for malformed lists and ids the device does not have,
   *     {@code ERANGE} for ids above {@link IdList#MAX_ID}
   */
  static long parse(CpusetState s, String file, String value, int count, String what) {
    BitSet ids;
    try {
      ids = IdList.parse(value);
    } catch (CgroupException e) {
      throw new CgroupException(e.errno(), where(s, file) + ": " + e.getMessage(), e);
    }
    if (ids.length() > count) {
      throw CgroupException.of(
          Errno.EINVAL,
          "%s: invalid %s list '%s': device %s has %d %s (0-%d)",
          where(s, file), what, value, s.binding().spec().name(), count, what + "s", count - 1);
    }
    return ids.isEmpty() ? 0 : ids.toLongArray()[0];
  }

  private static String where(CpusetState s, String file) {
    return s.path() + "/cpuset.devices/" + s.binding().spec().name() + "/cpuset." + file;
  }

  private static void notOnRoot(CpusetState s, String file) {
    if (s.isRoot()) {
      throw CgroupException.of(Errno.EINVAL, "%s: not writable in the root cgroup", where(s, file));
    }
  }

  private static void writeCpus(CpusetState s, String value, io.cgdev.api.spi.FileHandle h) {
    notOnRoot(s, "cpus");
    long cpus = parse(s, "cpus", value, s.binding().engineCount(), "engine");
    // as the kernel on cgroup v2: an exclusivity conflict caused by cpuset.cpus is not refused; the
    // partition roots involved become invalid instead (MaskPropagation decides that)
    s.binding().configure(s, s.config().withCpus(cpus));
  }

  private static void writeMems(CpusetState s, String value, io.cgdev.api.spi.FileHandle h) {
    notOnRoot(s, "mems");
    long mems = parse(s, "mems", value, s.binding().regionCount(), "region");
    s.binding().configure(s, s.config().withMems(mems));
  }

  private static void writePartition(CpusetState s, String value, io.cgdev.api.spi.FileHandle h) {
    notOnRoot(s, "cpus.partition");
    Partition p = Partition.parse(where(s, "cpus.partition"), value);
    // never refused for a well-formed value: a request that cannot be granted reads back as
    // "<state> invalid (<reason>)", as in the kernel
    s.binding().configure(s, s.config().withPartition(p));
  }

  private static void writeExclusive(CpusetState s, String value, io.cgdev.api.spi.FileHandle h) {
    notOnRoot(s, "cpus.exclusive");
    long x = parse(s, "cpus.exclusive", value, s.binding().engineCount(), "engine");
    CpusetConfig trial = s.config().withExclusive(x);
    checkExclusive(s, trial, value);
    s.binding().configure(s, trial);
  }

  /**
   * The kernel's sibling exclusivity rule for {@code cpuset.cpus.exclusive} (its validate_change):
   * when either cgroup is a valid partition root, or both have exclusive sets, their engines must not
   * overlap; when only one has an exclusive set, the other's non-empty {@code cpuset.cpus} must not
   * lie wholly inside it (it would be left with nothing once the exclusive engines are taken).
   *
   * @throws CgroupException {@code EINVAL} naming the sibling
   */
  static void checkExclusive(CpusetState s, CpusetConfig trial, String value) {
    boolean trialExclusive = s.effective().validPartition();
    for (CpusetState sib : s.parent().children()) {
      if (sib == s) {
        continue;
      }
      CpusetConfig other = sib.config();
      boolean tx = trial.exclusive() != 0;
      boolean ox = other.exclusive() != 0;
      boolean conflict;
      if (trialExclusive || sib.effective().validPartition() || (tx && ox)) {
        conflict = (trial.userExclusive() & other.userExclusive()) != 0;
      } else if (tx) {
        conflict = other.cpus() != 0 && (other.cpus() & ~trial.exclusive()) == 0;
      } else if (ox) {
        conflict = trial.cpus() != 0 && (trial.cpus() & ~other.exclusive()) == 0;
      } else {
        conflict = false;
      }
      if (conflict) {
        throw CgroupException.of(
            Errno.EINVAL,
            "%s: '%s' conflicts with sibling %s (cpus %s, exclusive %s): an engine may be exclusive to one child only",
            where(s, "cpus.exclusive"), value, sib.path(),
            list(other.cpus()).strip(), list(other.exclusive()).strip());
      }
    }
  }

  private static long isolated(CpusetState root) {
    return root.binding().snapshot().isolated();
  }

  private static String engineNames(CpusetState s) {
    StringBuilder sb = new StringBuilder();
    var engines = s.binding().spec().engines();
    for (int i = 0; i < engines.size(); i++) {
      sb.append(i).append(' ').append(engines.get(i).name()).append('\n');
    }
    return sb.toString();
  }

  private static String regionNames(CpusetState s) {
    StringBuilder sb = new StringBuilder();
    var regions = s.binding().spec().regions();
    for (int i = 0; i < regions.size(); i++) {
      sb.append(i).append(' ').append(regions.get(i).name()).append('\n');
    }
    return sb.toString();
  }
}
