package io.cgdev.state;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.Numbers;
import io.cgdev.api.Tasks;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.core.Cgroups;
import java.util.List;
import java.util.Random;

/**
 * A real hierarchy (the core) with one test controller, {@code conf}, whose files cover what a
 * restore must handle: a plain number ({@code conf.value}), a file whose value follows from another
 * ({@code conf.double}, twice {@code conf.value}; writing it sets {@code value} to half), a keyed
 * file written one key at a time ({@code conf.keyed}, lines {@code a N} and {@code b N}), a
 * read-only counter ({@code conf.count}, how many writes the state saw) and a write-only action
 * ({@code conf.poke}). One device, {@code dev0}, registered at boot.
 */
final class TestWorld implements AutoCloseable {
  final Cgroups cgroups;

  TestWorld() {
    cgroups = Cgroups.builder().discover(false).controller(new Conf()).build();
    cgroups.register(DeviceSpec.builder("dev0", "test").controllers("conf").build());
  }

  CgroupFs fs() {
    return cgroups.fs();
  }

  Tasks tasks() {
    return cgroups.tasks();
  }

  static StateBase base() {
    return new StateBase("PER_CONTROLLER", List.of("conf"), List.of("dev0 (test)"), "none");
  }

  /** The configuration now. */
  Configuration configuration() {
    return Configuration.read(fs());
  }

  @Override
  public void close() {
    cgroups.close();
  }

  /**
   * One random change through {@code fs}, chosen from the tree it shows: a mkdir, an rmdir of a
   * leaf, an enable or disable of {@code conf}, or a write of a random (sometimes invalid) value to a
   * random {@code conf} file or {@code cgroup.max.*}. Refusals are part of the game: they must
   * change nothing and record nothing.
   *
   * @return a description, for failure messages
   */
  static String randomChange(CgroupFs fs, Random random) {
    List<String> cgroups = Configuration.cgroupsOf(fs);
    String cgroup = cgroups.get(random.nextInt(cgroups.size()));
    String prefix = cgroup.equals("/") ? "" : cgroup;
    String devices = prefix + "/conf.devices/dev0/";
    String[] values = {"0", "1", "7", "42", "1000", "-3", "x", "max", ""};
    String what;
    String path;
    String value;
    switch (random.nextInt(9)) {
      case 0, 1 -> {
        String child = prefix + "/" + (char) ('a' + random.nextInt(4)) + (random.nextInt(5) == 0 ? " \u00e9" : "");
        what = "mkdir " + child;
        try {
          fs.mkdir(child);
        } catch (CgroupException e) {
          what += " -> " + e.errno();
        }
        return what;
      }
      case 2 -> {
        what = "rmdir " + cgroup;
        try {
          fs.rmdir(cgroup);
        } catch (CgroupException e) {
          what += " -> " + e.errno();
        }
        return what;
      }
      case 3 -> {
        path = prefix + "/cgroup.subtree_control";
        value = random.nextBoolean() ? "+conf" : "-conf";
      }
      case 4 -> {
        path = prefix + (random.nextBoolean() ? "/cgroup.max.depth" : "/cgroup.max.descendants");
        value = random.nextInt(3) == 0 ? "max" : Integer.toString(random.nextInt(4));
      }
      case 5 -> {
        path = devices + "conf.keyed";
        value = (random.nextBoolean() ? "a " : "b ") + values[random.nextInt(values.length)];
      }
      case 6 -> {
        path = devices + "conf.double";
        value = values[random.nextInt(values.length)];
      }
      default -> {
        path = devices + (random.nextInt(4) == 0 ? "conf.poke" : "conf.value");
        value = values[random.nextInt(values.length)];
      }
    }
    what = "write " + path + " '" + value + "'";
    try {
      fs.write(path, value);
    } catch (CgroupException e) {
      what += " -> " + e.errno();
    }
    return what;
  }

  /** The test controller. */
  static final class Conf implements Controller<Conf.State> {
    static final class State implements DeviceState {
      volatile long value;
      volatile long a;
      volatile long b;
      volatile long count;
      volatile long pokes;
    }

    @Override
    public String name() {
      return "conf";
    }

    @Override
    public List<CgroupFile<State>> deviceFiles() {
      return List.of(
          CgroupFile.readWrite("value", (s, h) -> s.value + "\n", (s, v, h) -> {
            s.value = parse(v);
            s.count++;
          }, FileFlag.NOT_ON_ROOT),
          CgroupFile.readWrite("double", (s, h) -> 2 * s.value + "\n", (s, v, h) -> {
            long d = parse(v);
            if (d % 2 != 0) {
              throw CgroupException.of(Errno.EINVAL, "conf.double must be even: '%s'", v);
            }
            s.value = d / 2;
            s.count++;
          }, FileFlag.NOT_ON_ROOT),
          CgroupFile.readWrite("keyed", (s, h) -> "a " + s.a + "\nb " + s.b + "\n", (s, v, h) -> {
            String[] kv = v.strip().split(" ");
            if (kv.length != 2) {
              throw CgroupException.of(Errno.EINVAL, "conf.keyed takes 'KEY VALUE': '%s'", v);
            }
            long n = parse(kv[1]);
            switch (kv[0]) {
              case "a" -> s.a = n;
              case "b" -> s.b = n;
              default -> throw CgroupException.of(Errno.EINVAL, "conf.keyed: unknown key '%s'", kv[0]);
            }
            s.count++;
          }, FileFlag.NOT_ON_ROOT),
          CgroupFile.readOnly("count", (s, h) -> s.count + "\n"),
          CgroupFile.<State>named("poke").writer((s, v, h) -> s.pokes++).flag(FileFlag.NOT_ON_ROOT).build());
    }

    private static long parse(String v) {
      long n = Numbers.parseLong(v, "conf");
      if (n < 0 || n > 1000) {
        throw CgroupException.of(Errno.ERANGE, "conf value '%s' out of range 0..1000", v.strip());
      }
      return n;
    }

    @Override
    public DeviceBinding<State> bind(BindContext<State> context) {
      return (CgroupHandle cgroup, State parent) -> new State();
    }
  }
}
