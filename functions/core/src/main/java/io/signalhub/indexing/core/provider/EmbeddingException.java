package io.signalhub.indexing.core.provider;

import java.time.Duration;
import java.util.Optional;

/** A failed embedding request, classified so callers know whether to retry, split or stop. */
public final class EmbeddingException extends RuntimeException {

  /** What a failure means for the caller. */
  public enum Kind {
    /** 429, 5xx, timeouts, resets: try the same request again after a delay. */
    RETRYABLE,
    /** 400 for content: some input in the request is unacceptable; split to find it. */
    INPUT_REJECTED,
    /** 401, 403, unknown model, bad configuration: retrying cannot help; the message says why. */
    FATAL,
    /**
     * The request holds more tokens than the provider ever accepts in one request (OpenAI's 429
     * "Request too large … Limit L, Requested R", Azure's 413 {@code tokens_limits_reached} "Max
     * size: N", a bare 413): retrying the same request cannot help; split it and send smaller ones.
     */
    TOO_LARGE
  }

  private final Kind kind;
  private final int status;
  private final Duration retryAfter;
  private final QuotaSnapshot quota;
  private long acceptedTokens = -1;
  private long requestedTokens = -1;

  public EmbeddingException(
      Kind kind,
      int status,
      String message,
      Duration retryAfter,
      QuotaSnapshot quota,
      Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
    this.quota = quota == null ? QuotaSnapshot.UNKNOWN : quota;
  }

  public static EmbeddingException retryable(String message, Throwable cause) {
    return new EmbeddingException(Kind.RETRYABLE, 0, message, null, null, cause);
  }

  public static EmbeddingException fatal(String message) {
    return new EmbeddingException(Kind.FATAL, 0, message, null, null, null);
  }

  public static EmbeddingException inputRejected(int status, String message) {
    return new EmbeddingException(Kind.INPUT_REJECTED, status, message, null, null, null);
  }

  /**
   * A request larger than the provider accepts.
   *
   * @param acceptedTokens the most tokens the provider said it accepts (its "Limit" or "Max size"),
   *     or -1 when it did not say
   * @param requestedTokens the tokens it counted in the request, or -1
   */
  public static EmbeddingException tooLarge(
      int status, String message, long acceptedTokens, long requestedTokens, QuotaSnapshot quota) {
    EmbeddingException e =
        new EmbeddingException(Kind.TOO_LARGE, status, message, null, quota, null);
    e.acceptedTokens = acceptedTokens;
    e.requestedTokens = requestedTokens;
    return e;
  }

  /** For {@link Kind#TOO_LARGE}: the most tokens the provider accepts, or -1 when unsaid. */
  public long acceptedTokens() {
    return acceptedTokens;
  }

  /** For {@link Kind#TOO_LARGE}: the tokens the provider counted in the request, or -1. */
  public long requestedTokens() {
    return requestedTokens;
  }

  public Kind kind() {
    return kind;
  }

  /** HTTP status, or 0 when the request never got an answer. */
  public int status() {
    return status;
  }

  /** The wait the provider asked for (Retry-After and friends), if any. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  public QuotaSnapshot quota() {
    return quota;
  }

  /**
   * The request never reached the provider: connection refused, unknown host, no route. Unlike a
   * timeout or a 5xx, this is usually a wrong URL or a provider that is not running.
   */
  public boolean isUnreachable() {
    if (status != 0) {
      return false;
    }
    for (Throwable cause = getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.ConnectException
          || cause instanceof java.net.UnknownHostException
          || cause instanceof java.net.NoRouteToHostException
          || cause instanceof java.nio.channels.UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  /** A 429 for the rate limit (not OpenAI's 429 for a request larger than the whole quota). */
  public boolean isThrottle() {
    return status == 429 && kind == Kind.RETRYABLE;
  }

  public static boolean isRetryable(Throwable failure) {
    return failure instanceof EmbeddingException e && e.kind == Kind.RETRYABLE;
  }
}
