package io.cgdev.fuse.internal;

import java.lang.foreign.MemorySegment;
import java.util.function.Function;

/**
 * The request a FUSE worker thread is serving, so that the file system can ask who sent it ({@link
 * #current}) without every method carrying the request. Set by {@link FuseUpcalls} around each
 * callback; asked lazily, since only permission checks need it.
 */
public final class RequestContext implements CallerSource {
  private final ThreadLocal<MemorySegment> request = new ThreadLocal<>();
  private final Function<MemorySegment, Caller> resolve;

  /** @param resolve who sent a request ({@code fuse_req_ctx}) */
  RequestContext(Function<MemorySegment, Caller> resolve) {
    this.resolve = resolve;
  }

  /** Over a libfuse: asks {@code fuse_req_ctx}. */
  public static RequestContext of(LibFuse lib) {
    return new RequestContext(lib::caller);
  }

  void enter(MemorySegment req) {
    request.set(req);
  }

  void leave() {
    request.remove();
  }

  /** The sender of the request being served on this thread; root outside a request (e.g. at init). */
  @Override
  public Caller current() {
    MemorySegment req = request.get();
    return req == null ? Caller.ROOT : resolve.apply(req);
  }
}
