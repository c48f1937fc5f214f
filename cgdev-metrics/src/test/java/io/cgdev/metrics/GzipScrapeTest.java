package io.cgdev.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupFs;
import io.cgdev.core.Cgroups;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * A scrape that accepts gzip, as Prometheus sends it, gets a gzip stream that reads back as the same
 * exposition a plain scrape gets (but for the scrape's own duration), accepted by Prometheus' parser.
 */
class GzipScrapeTest {
  @Test
  void aGzipScrapeIsThePlainTextCompressed() throws Exception {
    try (Cgroups cg = Cgroups.builder().build();
        MetricsServer server = MetricsServer.start(MetricsAddress.parse("127.0.0.1:0"), cg.fs())) {
      CgroupFs fs = cg.fs();
      fs.write("/cgroup.subtree_control", "+memory +cpu");
      for (int i = 0; i < 300; i++) {
        fs.mkdir("/g" + i);
      }
      HttpURLConnection c = (HttpURLConnection) URI.create(server.url()).toURL().openConnection();
      c.setRequestProperty("Accept-Encoding", "gzip");
      String unzipped;
      try (InputStream in = new GZIPInputStream(c.getInputStream())) {
        assertThat(c.getHeaderField("Content-Encoding")).isEqualTo("gzip");
        unzipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        c.disconnect();
      }
      String plain = Scrapes.get(server.url(), null);
      List<String> a = withoutDuration(unzipped);
      List<String> b = withoutDuration(plain);
      assertThat(a).hasSameSizeAs(b).anyMatch(l -> l.contains("cgroup=\"/g299\""));
      for (int i = 0; i < a.size(); i++) {
        assertThat(a.get(i)).as("line %d", i).isEqualTo(b.get(i));
      }
      Promtool.check(unzipped);
    }
  }

  private static List<String> withoutDuration(String text) {
    return text.lines().filter(l -> !l.startsWith("cgdev_scrape_duration_seconds")).toList();
  }
}
