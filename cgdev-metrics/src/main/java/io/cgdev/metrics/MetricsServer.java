package io.cgdev.metrics;

import io.cgdev.api.CgroupFs;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cgdev.metrics.internal.TextScrapeHandler;
import io.cgdev.metrics.internal.TreeCollector;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Prometheus endpoint for live cgroup trees: {@code GET /metrics} answers with every cgroup's
 * per-device metrics, read from the tree at that moment (docs/METRICS.md lists them). Served by the
 * JDK's HTTP server on two daemon threads: a plain scrape gets the text format written by cgdev
 * straight from the files' values (fast enough for 10,000 cgroups), a scrape that asks for OpenMetrics
 * or protobuf gets them from the official Prometheus Java client's handler and writers, fed by the
 * same collector; {@code /-/healthy} answers {@code Exporter is healthy.}.
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.start(MetricsAddress.parse("127.0.0.1:9400"), cgroups.fs())) {
 *   System.out.println("scrape " + server.url());
 *   ...
 * }
 * }</pre>
 *
 * <p>A scrape reads the tree through its file view only, which takes no hierarchy lock for listings
 * and reads: scraping never holds up the tree's writers. It walks on a pool of daemon threads (one per
 * processor) and gzips on them when asked. The files read are kept open from one scrape to the next (a
 * read regenerates the content; every file is read at every scrape), with the text made of each one's
 * content, reused while the content stays the same, and closed once their cgroup is gone; scrapes run
 * one at a time. Several trees (e.g. one per node of a
 * simulated fleet) are served together by {@link #on}, each with a label of its own.
 */
public final class MetricsServer implements AutoCloseable {
  /** Labels the metrics carry themselves: a tree's label may not take these names. */
  private static final java.util.Set<String> RESERVED_LABELS =
      java.util.Set.of("cgroup", "device", "region", "event", "engine", "resource", "gpu");
  private final HttpServer http;
  private final ExecutorService threads;
  private final TreeCollector collector;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MetricsServer(HttpServer http, ExecutorService threads, TreeCollector collector, InetSocketAddress address) {
    this.http = http;
    this.threads = threads;
    this.collector = collector;
    this.address = address;
  }

  /**
   * Serves one tree.
   *
   * @throws UncheckedIOException when the address cannot be served, its message in errno style:
   *     {@code EADDRINUSE} (another process listens there), {@code EADDRNOTAVAIL} (not an address of
   *     this machine), {@code EACCES} (a port below 1024 without the right), or an unknown host
   */
  public static MetricsServer start(MetricsAddress address, CgroupFs tree) {
    return on(address).tree(tree).start();
  }

  /** Starts describing a server of several trees. */
  public static Builder on(MetricsAddress address) {
    return new Builder(address);
  }

  /** Collects the trees to serve. Not thread-safe; use once. */
  public static final class Builder {
    private final MetricsAddress address;
    private final List<TreeCollector.Tree> trees = new ArrayList<>();

    private Builder(MetricsAddress address) {
      this.address = Objects.requireNonNull(address, "address");
    }

    /**
     * A tree whose metrics carry no label of their own.
     *
     * @throws IllegalArgumentException when a tree without a label was given already (their series
     *     would collide)
     */
    public Builder tree(CgroupFs fs) {
      return add(new TreeCollector.Tree(fs, List.of(), List.of()));
    }

    /**
     * A tree whose every metric carries {@code labelName="labelValue"}, e.g. {@code node="n17"}, so
     * that trees served together stay apart.
     *
     * @throws IllegalArgumentException for a label name that is not {@code [a-zA-Z_][a-zA-Z0-9_]*},
     *     one the metrics use themselves ({@code cgroup}, {@code device}, ...), or a name and value
     *     given for another tree already
     */
    public Builder tree(CgroupFs fs, String labelName, String labelValue) {
      Objects.requireNonNull(labelValue, "labelValue");
      if (labelName == null || !labelName.matches("[a-zA-Z_][a-zA-Z0-9_]*") || labelName.startsWith("__")
          || RESERVED_LABELS.contains(labelName)) {
        throw new IllegalArgumentException("tree label '" + labelName + "': not a Prometheus label name, or one of "
            + RESERVED_LABELS);
      }
      return add(new TreeCollector.Tree(fs, List.of(labelName), List.of(labelValue)));
    }

    private Builder add(TreeCollector.Tree tree) {
      for (TreeCollector.Tree t : trees) {
        if (t.labelNames().equals(tree.labelNames()) && t.labelValues().equals(tree.labelValues())) {
          throw new IllegalArgumentException("two trees with the same labels " + tree.labelNames() + "="
              + tree.labelValues() + ": their series would collide");
        }
      }
      trees.add(tree);
      return this;
    }

    /**
     * Binds the address and starts serving.
     *
     * @throws UncheckedIOException see {@link MetricsServer#start(MetricsAddress, CgroupFs)}
     */
    public MetricsServer start() {
      if (trees.isEmpty()) {
        throw new IllegalStateException("no tree to serve");
      }
      InetAddress host;
      try {
        host = InetAddress.getByName(address.host());
      } catch (UnknownHostException e) {
        throw new UncheckedIOException("cannot serve metrics on " + address + ": unknown host '" + address.host()
            + "' (give an address of this machine, e.g. 127.0.0.1 or 0.0.0.0)", e);
      }
      TreeCollector collector = new TreeCollector(trees, System::nanoTime);
      PrometheusRegistry registry = new PrometheusRegistry();
      registry.register(collector);
      ExecutorService threads = Executors.newFixedThreadPool(2, daemonThreads());
      try {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, address.port()), 0);
        http.setExecutor(threads);
        http.createContext("/metrics", new TextScrapeHandler(collector, new MetricsHandler(registry)));
        http.createContext("/-/healthy", MetricsServer::healthy);
        http.start();
        return new MetricsServer(http, threads, collector, new InetSocketAddress(host, http.getAddress().getPort()));
      } catch (IOException e) {
        threads.shutdownNow();
        collector.close();
        throw new UncheckedIOException("cannot serve metrics on " + address + ": " + errno(e), e);
      }
    }
  }

  /** The error of a failed bind in errno style, e.g. {@code EADDRINUSE: Address already in use (...)}. */
  static String errno(IOException e) {
    String m = String.valueOf(e.getMessage());
    if (e instanceof BindException || m.contains("in use")) {
      if (m.contains("in use")) {
        return "EADDRINUSE: Address already in use (another process listens on that port; choose another)";
      }
      if (m.contains("assign requested address")) {
        return "EADDRNOTAVAIL: Cannot assign requested address (not an address of this machine)";
      }
      if (m.contains("Permission denied")) {
        return "EACCES: Permission denied (ports below 1024 need privileges; choose a higher one)";
      }
    }
    return m;
  }

  private static void healthy(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = "Exporter is healthy.\n".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "cgdev-metrics-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The address served (with the port chosen when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** The URL of the metrics, e.g. {@code http://127.0.0.1:9400/metrics}. */
  public String url() {
    String host = address.getAddress().getHostAddress();
    return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort() + "/metrics";
  }

  /** Stops serving and closes the files the scrapes keep open; idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      http.stop(0);
      threads.shutdownNow();
      collector.close();
    }
  }
}
