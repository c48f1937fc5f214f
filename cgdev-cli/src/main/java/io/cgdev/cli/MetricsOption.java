package io.cgdev.cli;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.metrics.MetricsAddress;
import io.cgdev.metrics.MetricsServer;
import java.io.PrintWriter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --metrics ADDR:PORT}, shared by the commands that can serve a tree's Prometheus metrics
 * (a picocli mixin: {@code @Mixin MetricsOption metrics;}). {@code mount} and {@code run} use it; a
 * command with several trees (e.g. one per simulated node) uses {@link #serve(MetricsServer.Builder,
 * String, PrintWriter)} with one {@link MetricsServer.Builder#tree(CgroupFs, String, String)} per tree.
 *
 * <p>A malformed address is a usage error while the command line is parsed ({@code EINVAL}, exit 2);
 * an address that cannot be served fails the command with the errno ({@code EADDRINUSE}, ...; exit 1).
 */
final class MetricsOption {
  @Option(names = "--metrics", paramLabel = "ADDR:PORT", converter = AddressConverter.class,
      description = "serve Prometheus metrics of the tree at http://ADDR:PORT/metrics (ADDR defaults to 127.0.0.1;"
          + " PORT 0 picks a free one; docs/METRICS.md)")
  MetricsAddress address;

  /** Reads the address while the command line is parsed, so a bad one is a usage error. */
  static final class AddressConverter implements ITypeConverter<MetricsAddress> {
    @Override
    public MetricsAddress convert(String value) {
      try {
        return MetricsAddress.parse(value);
      } catch (CgroupException e) {
        throw new TypeConversionException(e.toString());
      }
    }
  }

  /** Whether {@code --metrics} was given. */
  boolean given() {
    return address != null;
  }

  /**
   * Serves one tree when {@code --metrics} was given, saying where on {@code err}; else does nothing.
   *
   * @param command the command's name for the line, e.g. {@code cgdev mount}
   * @return the server (close it when the tree closes), or null without {@code --metrics}
   * @throws java.io.UncheckedIOException when the address cannot be served (errno in the message)
   */
  MetricsServer serve(CgroupFs tree, String command, PrintWriter err) {
    return given() ? serve(MetricsServer.on(address).tree(tree), command, err) : null;
  }

  /**
   * Starts a server of several trees, described by a builder from {@link #builder()}, saying where.
   *
   * @throws java.io.UncheckedIOException when the address cannot be served
   */
  static MetricsServer serve(MetricsServer.Builder trees, String command, PrintWriter err) {
    MetricsServer server = trees.start();
    err.println(command + ": metrics at " + server.url());
    err.flush();
    return server;
  }

  /** A builder for several trees on the given address; only when {@link #given()}. */
  MetricsServer.Builder builder() {
    if (!given()) {
      throw new IllegalStateException("--metrics was not given");
    }
    return MetricsServer.on(address);
  }
}
