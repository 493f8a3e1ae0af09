package io.signalhub.indexing.simulator;

import java.util.Set;
import java.util.function.Predicate;

/**
 * How the simulated provider behaves. Defaults are OpenAI's published limits for
 * text-embedding-3-small: 2,048 inputs, 8,192 tokens per input, 300,000 tokens per request.
 */
public record SimulatorSettings(
    int port,
    Set<String> models,
    String apiKey,
    int dimensions,
    int maxInputsPerRequest,
    int maxTokensPerInput,
    int maxTokensPerRequest,
    long requestsPerMinute,
    long tokensPerMinute,
    long fixedLatencyMillis,
    long latencyMillisPerThousandTokens,
    boolean shuffleResponseOrder,
    Predicate<String> rejectInput,
    double timeScale,
    TooLarge tooLarge,
    boolean azure,
    boolean logInputs,
    int maxBatchRequests,
    long maxBatchFileBytes,
    double batchValidatingSeconds,
    double batchInProgressSeconds,
    double batchFinalizingSeconds,
    double batchWindowSeconds) {

  /**
   * How the server refuses one request that holds more tokens than its whole tokens/min quota (it
   * can never be served, however long the client waits), in the shapes real providers send.
   */
  public enum TooLarge {
    /** OpenAI: 429 "Request too large for … on tokens per min (TPM): Limit L, Requested R". */
    OPENAI_429,
    /** Azure OpenAI: 413, code tokens_limits_reached, "… Max size: N tokens". */
    AZURE_413,
    /** A gateway's 413 with no detail. */
    BARE_413
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Fluent construction with OpenAI-like defaults. */
  public static final class Builder {
    private int port;
    private Set<String> models = Set.of("text-embedding-3-small", "text-embedding-3-large");
    private String apiKey;
    private int dimensions = 1536;
    private int maxInputsPerRequest = 2048;
    private int maxTokensPerInput = 8192;
    private int maxTokensPerRequest = 300_000;
    private long requestsPerMinute = 1_000_000;
    private long tokensPerMinute = 1_000_000_000L;
    private long fixedLatencyMillis;
    private long latencyMillisPerThousandTokens;
    private boolean shuffleResponseOrder;
    private Predicate<String> rejectInput = SimulatedEmbeddingServer.never();
    private double timeScale = 1;
    private TooLarge tooLarge = TooLarge.OPENAI_429;
    private boolean azure;
    private boolean logInputs;
    private int maxBatchRequests = 50_000;
    private long maxBatchFileBytes = 200L * 1024 * 1024;
    private double batchValidatingSeconds = 30;
    private double batchInProgressSeconds = 600;
    private double batchFinalizingSeconds = 30;
    private double batchWindowSeconds = 24 * 3600;

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder models(Set<String> value) {
      models = value;
      return this;
    }

    public Builder apiKey(String value) {
      apiKey = value;
      return this;
    }

    public Builder dimensions(int value) {
      dimensions = value;
      return this;
    }

    public Builder maxInputsPerRequest(int value) {
      maxInputsPerRequest = value;
      return this;
    }

    public Builder maxTokensPerInput(int value) {
      maxTokensPerInput = value;
      return this;
    }

    public Builder maxTokensPerRequest(int value) {
      maxTokensPerRequest = value;
      return this;
    }

    public Builder requestsPerMinute(long value) {
      requestsPerMinute = value;
      return this;
    }

    public Builder tokensPerMinute(long value) {
      tokensPerMinute = value;
      return this;
    }

    public Builder fixedLatencyMillis(long value) {
      fixedLatencyMillis = value;
      return this;
    }

    public Builder latencyMillisPerThousandTokens(long value) {
      latencyMillisPerThousandTokens = value;
      return this;
    }

    /** Return {@code data} in a scrambled order, so clients must match by {@code index}. */
    public Builder shuffleResponseOrder(boolean value) {
      shuffleResponseOrder = value;
      return this;
    }

    /** Inputs for which the server answers 400, as it does for content it will not embed. */
    public Builder rejectInput(Predicate<String> value) {
      rejectInput = value;
      return this;
    }

    /**
     * Simulated seconds per real second: at 60, a minute's quota refills in one real second and the
     * reset and retry-after headers speak simulated time, so a client on a clock running as fast
     * meets a 40,000 tokens/min quota in a test's time. Default 1.
     */
    public Builder timeScale(double value) {
      if (!(value > 0)) {
        throw new IllegalArgumentException("timeScale must be > 0, was " + value);
      }
      timeScale = value;
      return this;
    }

    /** The shape of the answer to a request larger than the tokens/min quota. */
    public Builder tooLarge(TooLarge value) {
      tooLarge = value;
      return this;
    }

    /**
     * Azure OpenAI mode: {@code /openai/deployments/<deployment>/embeddings?api-version=…} (the
     * models are the deployments), the {@code api-key} header (or a bearer token equal to the key),
     * remaining-count headers without limits, and 413 {@code tokens_limits_reached} for a request
     * above the quota.
     */
    public Builder azure(boolean value) {
      azure = value;
      if (value) {
        tooLarge = TooLarge.AZURE_413;
      }
      return this;
    }

    /**
     * Keep every input text received ({@link SimulatorStats#inputsReceived()}), for tests that
     * assert what reached the provider; off by default so long benchmarks hold no texts.
     */
    public Builder logInputs(boolean value) {
      logInputs = value;
      return this;
    }

    /** Batch API: most requests in one input file (OpenAI: 50,000). */
    public Builder maxBatchRequests(int value) {
      maxBatchRequests = value;
      return this;
    }

    /** Batch API: largest input file in bytes (OpenAI: 200 MB). */
    public Builder maxBatchFileBytes(long value) {
      maxBatchFileBytes = value;
      return this;
    }

    /**
     * Batch API: simulated seconds a batch spends validating, in progress (its completed count
     * growing linearly) and finalizing; defaults 30, 600 and 30.
     */
    public Builder batchDurations(double validating, double inProgress, double finalizing) {
      batchValidatingSeconds = validating;
      batchInProgressSeconds = inProgress;
      batchFinalizingSeconds = finalizing;
      return this;
    }

    /**
     * Batch API: simulated seconds after creation when an unfinished batch expires, with what was
     * done by then in its output file (the real window is 24 h, the default).
     */
    public Builder batchWindowSeconds(double value) {
      batchWindowSeconds = value;
      return this;
    }

    public SimulatorSettings build() {
      return new SimulatorSettings(
          port,
          models,
          apiKey,
          dimensions,
          maxInputsPerRequest,
          maxTokensPerInput,
          maxTokensPerRequest,
          requestsPerMinute,
          tokensPerMinute,
          fixedLatencyMillis,
          latencyMillisPerThousandTokens,
          shuffleResponseOrder,
          rejectInput,
          timeScale,
          tooLarge,
          azure,
          logInputs,
          maxBatchRequests,
          maxBatchFileBytes,
          batchValidatingSeconds,
          batchInProgressSeconds,
          batchFinalizingSeconds,
          batchWindowSeconds);
    }
  }
}
