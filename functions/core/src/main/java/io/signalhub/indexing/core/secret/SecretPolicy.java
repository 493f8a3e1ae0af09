package io.signalhub.indexing.core.secret;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.source.SkipReason;
import io.signalhub.indexing.core.token.TokenCounter;
import java.util.Locale;

/**
 * What to do with a chunk whose text holds a secret ({@code signal-hub.secrets}, env {@code
 * SIGNAL_HUB_SECRETS}): {@link #SKIP} it (the default) or {@link #REDACT} the secret and embed the
 * rest. Either way the secret itself is never sent to a provider.
 */
public enum SecretPolicy {
  SKIP,
  REDACT;

  /**
   * The chunk as it may be embedded (null when skipped), and what was done: null for a clean chunk,
   * else {@link SkipReason#SECRET_TEXT} or {@link SkipReason#SECRET_REDACTED}.
   */
  public record Screened(Chunk chunk, SkipReason reason) {}

  /** Parses {@code skip} or {@code redact}, any case. */
  public static SecretPolicy parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "signal-hub.secrets must be 'skip' or 'redact', was '" + value + "'");
    }
  }

  /**
   * Screens one chunk: unchanged if clean (reason null); else skipped ({@link
   * SkipReason#SECRET_TEXT}, chunk null) or redacted ({@link SkipReason#SECRET_REDACTED}, the
   * redacted chunk with its tokens recounted).
   */
  public Screened screen(Chunk chunk, TokenCounter tokens) {
    if (SecretScanner.scan(chunk.text()).isEmpty()) {
      return new Screened(chunk, null);
    }
    if (this == SKIP) {
      return new Screened(null, SkipReason.SECRET_TEXT);
    }
    String redacted = SecretScanner.redact(chunk.text());
    return new Screened(
        chunk.withText(redacted, tokens.count(redacted)), SkipReason.SECRET_REDACTED);
  }
}
