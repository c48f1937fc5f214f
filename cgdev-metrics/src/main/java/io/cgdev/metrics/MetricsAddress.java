package io.cgdev.metrics;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;

/**
 * Where the metrics endpoint listens: a host (a name or an IP address; {@code 127.0.0.1} unless one
 * is given, so nothing is exposed beyond this machine by default) and a TCP port ({@code 0}: any
 * free port, reported by {@link MetricsServer#address()}).
 *
 * @param host the host name or address ({@code 0.0.0.0} or {@code ::} for every interface)
 * @param port 0..65535
 */
public record MetricsAddress(String host, int port) {
  /** The host when none is given: the loopback interface. */
  public static final String LOCALHOST = "127.0.0.1";

  /**
   * @throws CgroupException {@code EINVAL} for an empty host or a port outside 0..65535
   */
  public MetricsAddress {
    if (host == null || host.isBlank()) {
      throw CgroupException.of(Errno.EINVAL, "metrics address: empty host");
    }
    if (port < 0 || port > 65535) {
      throw CgroupException.of(Errno.EINVAL, "metrics address %s: port %d out of range 0..65535", host, port);
    }
  }

  /**
   * Reads {@code HOST:PORT}, {@code :PORT} or {@code PORT} (then the host is {@link #LOCALHOST}); an
   * IPv6 address goes in brackets, {@code [::1]:9400}.
   *
   * @throws CgroupException {@code EINVAL} naming the value and what is expected
   */
  public static MetricsAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw bad(String.valueOf(text), "empty");
    }
    String s = text.strip();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw bad(text, "an IPv6 address is written [ADDR]:PORT");
      }
      host = s.substring(1, close);
      port = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon >= 0 && s.indexOf(':') != colon) {
        throw bad(text, "an IPv6 address is written [ADDR]:PORT");
      }
      host = colon < 0 ? "" : s.substring(0, colon);
      port = colon < 0 ? s : s.substring(colon + 1);
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw bad(text, "port '" + port + "' is not a number 0..65535");
    }
    int p = Integer.parseInt(port);
    if (p > 65535) {
      throw bad(text, "port " + p + " out of range 0..65535");
    }
    if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '[' || c == ']')) {
      throw bad(text, "host '" + host + "' is not a host name or address");
    }
    return new MetricsAddress(host.isEmpty() ? LOCALHOST : host, p);
  }

  private static CgroupException bad(String text, String why) {
    return CgroupException.of(Errno.EINVAL, "metrics address '%s': %s (expected HOST:PORT, :PORT or PORT)", text, why);
  }

  /** {@code host:port}, with brackets around an IPv6 address. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
