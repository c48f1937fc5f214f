package io.cgdev.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Readers, writers and mkdir/rmdir at once through the mount while a counter moves; a client killed
 * mid-read must not hurt the daemon or leak its open file.
 */
class ConcurrentAccessStressTest extends FakeMountFixture {
  /**
   * Upper bound of the shell script below (a failure, not a measurement): about 10 s on an idle
   * 2-core machine, 40 s when five builds share it.
   */
  private static final long STRESS_BOUND_SECONDS = 120;

  @Test
  void concurrentReadersAndWritersSeeConsistentValues() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    Thread ticker = Thread.ofPlatform().start(() -> {
      while (running.get()) {
        fs.tick();
        LockSupport.parkNanos(100_000); // moves thousands of times a second without taking a core
      }
    });
    try {
      Shell.Result r = Shell.bash(dir, """
          mkdir job1 job2
          reader() { for i in $(seq 150); do
              n=$(dd if=memory.stat bs=13 status=none | awk '{print $2}' | sort -u | wc -l)
              [ "$n" = 1 ] || echo "BAD-SNAPSHOT $n"
              c=$(cat memory.current); case "$c" in ''|*[!0-9]*) echo "BAD-CURRENT '$c'";; esac
            done; }
          writer() { for i in $(seq 150); do
              echo $((i*4096)) > job$1/memory.max || echo "WRITE-ERROR $1 $i"
              v=$(cat job$1/memory.max); [ "$v" = $((i*4096)) ] || echo "BAD-VALUE $1 $v"
            done; }
          churn() { for i in $(seq 100); do mkdir t$i && rmdir t$i || echo "CHURN-ERROR $i"; done; }
          reader & reader & writer 1 & writer 2 & churn & wait
          echo done
          """, STRESS_BOUND_SECONDS);
      assertThat(r.err()).isEmpty();
      assertThat(r.out().strip()).isEqualTo("done");
    } finally {
      running.set(false);
      ticker.join();
    }
    assertThat(fs.counter.get()).isPositive();
  }

  @Test
  void aClientKilledWhileHoldingAFileDoesNotHurtTheDaemon() throws Exception {
    Process holder = new ProcessBuilder("bash", "-c", "exec 3<memory.stat; read -r line <&3; echo \"$line\"; sleep 60")
        .directory(dir.toFile()).start();
    String line = new String(holder.getInputStream().readNBytes(5));
    assertThat(line).isEqualTo("key0 ");
    assertThat(mount.openFiles()).isEqualTo(1);
    holder.destroyForcibly();
    assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Shell.bash(dir, "mkdir after && cat after/memory.max").outLine()).isEqualTo("max");
    for (int i = 0; i < 200 && mount.openFiles() > 0; i++) {
      Thread.sleep(25); // release arrives asynchronously after the kernel closes the dead client's fd
    }
    assertThat(mount.openFiles()).as("the dead client's file was released").isZero();
  }
}
