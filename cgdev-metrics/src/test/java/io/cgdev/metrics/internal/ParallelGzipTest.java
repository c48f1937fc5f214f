package io.cgdev.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gzip stream made of blocks deflated apart reads back, with the JDK's own gzip reader, as the
 * text it was made of: empty, shorter than a block, exactly one or two blocks, a byte more, and many
 * blocks of repetitive text (where the dictionary of the block before matters). Seeded; the seed is
 * in the failure message.
 */
class ParallelGzipTest {
  private final ForkJoinPool pool = new ForkJoinPool(3);

  @AfterEach
  void close() {
    pool.shutdownNow();
  }

  private byte[] roundTrip(byte[] text) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    ParallelGzip.write(out -> {
      // in uneven pieces, as TextExposition writes
      for (int i = 0; i < text.length; ) {
        int n = (int) Math.min(text.length - i, 1 + (i * 7919L) % 70_000);
        out.write(text, i, n);
        i += n;
      }
    }, gz, pool);
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.toByteArray()))) {
      return in.readAllBytes();
    }
  }

  @Test
  void everySizeAroundTheBlocksReadsBack() throws IOException {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    int block = ParallelGzip.BLOCK;
    for (int size : new int[] {0, 1, 1000, block - 1, block, block + 1, 2 * block, 2 * block + 17}) {
      byte[] text = new byte[size];
      r.nextBytes(text);
      assertThat(roundTrip(text)).as("seed %d, size %d", seed, size).isEqualTo(text);
    }
  }

  @Test
  void repetitiveTextOfManyBlocksReadsBackAndShrinks() throws IOException {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder();
    while (b.length() < 5 * ParallelGzip.BLOCK + 12345) {
      b.append("cgdev_memory_current_bytes{cgroup=\"/t").append(r.nextInt(100)).append("/c").append(r.nextInt(10_000))
          .append("\",device=\"i915.0\",region=\"lmem0\"} ").append(r.nextInt(1 << 20)).append('\n');
    }
    byte[] text = b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    ParallelGzip.write(out -> out.write(text), gz, pool);
    assertThat(roundTrip(text)).as("seed %d", seed).isEqualTo(text);
    assertThat(gz.size()).as("compressed").isLessThan(text.length / 3);
  }
}
