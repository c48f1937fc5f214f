package io.cgdev.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.api.spi.SimulatedClock;
import org.junit.jupiter.api.Test;

/** The pressure file's read, trigger write, poll and release, on a handle as the file view passes it. */
class PressureFileTest {
  private static final long MS = 1_000_000;

  private final SimulatedClock clock = new SimulatedClock();
  private final PressureGroup root = PressureGroup.root(clock);
  private final PressureGroup a = new PressureGroup(root);
  private int notified;
  private final CgroupFile<PressureGroup> file = PressureFile.of("pressure", g -> g, g -> g != root, g -> () -> notified++);

  /** The handle the file view keeps per open. */
  static final class Handle implements FileHandle {
    Object attachment;

    @Override
    public boolean nonBlocking() {
      return false;
    }

    @Override
    public int callerPid() {
      return 0;
    }

    @Override
    public Object attachment() {
      return attachment;
    }

    @Override
    public void attach(Object value) {
      attachment = value;
    }
  }

  @Test
  void readsTheKernelsFormatAndTheRootsFullAsZeros() {
    a.change(+1, 0);
    clock.set(1000 * MS);
    assertThat(file.read(a, new Handle())).endsWith("full avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n");
    assertThat(file.read(root, new Handle())).startsWith("some avg10=0.00 avg60=0.00 avg300=0.00 total=1000000\n")
        .endsWith("full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
    assertThat(file.mode()).isEqualTo(0644);
  }

  @Test
  void aHandleWithoutATriggerAlwaysPollsUrgentOneWithATriggerOnItsEvents() {
    Handle plain = new Handle();
    assertThat(file.polls()).isTrue();
    assertThat(file.poll(a, plain)).isTrue();
    Handle h = new Handle();
    file.write(a, "some 150000 1000000", h);
    assertThat(file.poll(a, h)).isFalse();
    assertThatThrownBy(() -> file.write(a, "some 150000 1000000", h))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
    a.change(+1, 0);
    for (long t = 0; t <= 300 * MS; t += MS) {
      clock.set(t);
      root.advance();
    }
    assertThat(notified).isEqualTo(1);
    assertThat(file.poll(a, h)).isTrue();
    assertThat(file.poll(a, h)).isFalse();
    file.release(a, h);
    assertThat(notified).isEqualTo(2); // closing wakes pollers, as psi_trigger_destroy does
    assertThat(a.triggerCount()).isZero();
  }

  @Test
  void aBadTriggerIsRefusedAndLeavesTheHandleFree() {
    Handle h = new Handle();
    assertThatThrownBy(() -> file.write(a, "some 150000 100", h))
        .isInstanceOfSatisfying(CgroupException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThat(h.attachment()).isNull();
    file.write(a, "full 100000 500000", h);
    assertThat(a.triggerCount()).isEqualTo(1);
  }
}
