package io.signalhub.indexing.core.economy;

import java.util.Locale;

/**
 * A provider batch as last read.
 *
 * @param id the provider's batch id
 * @param state where it stands
 * @param total requests in it
 * @param completed requests done so far (they grow while it runs)
 * @param failed requests failed so far
 * @param outputFileId where the results are, once there are any
 * @param errorFileId where the failed requests' reasons are, once there are any
 * @param error why the whole batch failed (validation), else null
 */
public record ProviderBatch(
    String id,
    State state,
    int total,
    int completed,
    int failed,
    String outputFileId,
    String errorFileId,
    String error) {

  /** OpenAI's batch states (Bedrock's map onto them). */
  public enum State {
    VALIDATING,
    IN_PROGRESS,
    FINALIZING,
    COMPLETED,
    FAILED,
    EXPIRED,
    CANCELLING,
    CANCELLED;

    /** No further change will come. */
    public boolean terminal() {
      return this == COMPLETED || this == FAILED || this == EXPIRED || this == CANCELLED;
    }

    /** The provider's spelling, e.g. {@code in_progress}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static State fromWire(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  /** "in_progress 40%": the state and the share of requests done. */
  public String describe() {
    return state.wire() + (total > 0 ? " " + (100L * (completed + failed) / total) + "%" : "");
  }
}
