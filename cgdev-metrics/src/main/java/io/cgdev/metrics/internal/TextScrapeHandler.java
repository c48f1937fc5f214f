package io.cgdev.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code /metrics}: answers a plain scrape in the text format written by {@link TextExposition} (the
 * format Prometheus reads by default, and the one whose cost matters at 10,000 cgroups); hands every
 * other request to the Prometheus client's own handler, which negotiates OpenMetrics and protobuf
 * ({@code Accept}), filters by {@code name[]} and answers {@code HEAD}. So the client's formats stay
 * the client's, from the same collector. A scrape that accepts gzip (Prometheus always does) gets it,
 * compressed at the fastest level on the scrape's threads ({@link ParallelGzip}); the text is sent
 * with its length, the gzip stream chunked.
 *
 * <p>Called by the HTTP server's threads; scrapes run one at a time ({@link TreeCollector}).
 */
public final class TextScrapeHandler implements HttpHandler {
  /** The text format's content type, as the client gives it. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final TreeCollector collector;
  private final HttpHandler client;

  /**
   * @param collector the trees' collector (also registered with the client's registry)
   * @param client the client's metrics handler, for the requests this one leaves alone
   */
  public TextScrapeHandler(TreeCollector collector, HttpHandler client) {
    this.collector = collector;
    this.client = client;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!isPlainTextScrape(exchange)) {
      client.handle(exchange);
      return;
    }
    try (exchange) {
      TextExposition text;
      try {
        text = collector.text();
      } catch (RuntimeException e) {
        byte[] body = ("An Exception occurred while scraping metrics: " + e).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(500, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      String encoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
      if (encoding != null && encoding.contains("gzip")) {
        exchange.getResponseHeaders().set("Content-Encoding", "gzip");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
          text.writeGzipTo(out);
        }
      } else {
        exchange.sendResponseHeaders(200, text.length());
        text.writeTo(exchange.getResponseBody());
      }
    }
  }

  /** A GET without a query whose {@code Accept} asks for neither OpenMetrics nor protobuf. */
  static boolean isPlainTextScrape(HttpExchange exchange) {
    if (!"GET".equals(exchange.getRequestMethod()) || exchange.getRequestURI().getRawQuery() != null) {
      return false;
    }
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    return accept == null || !(accept.contains("application/openmetrics-text")
        || accept.contains("application/vnd.google.protobuf"));
  }
}
