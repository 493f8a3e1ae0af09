package io.signalhub.indexing.infra;

import java.util.function.Function;

/**
 * What a deployment may change, as CDK context values ({@code -c key=value}) with these defaults
 * (README, "Deploying to AWS"). The keys, their types and ranges are listed once, in {@code
 * context-keys.json} (this module's resources), which scripts/synth and scripts/deploy check before
 * building; a test holds this record and that list to the same keys.
 *
 * @param provider embedding provider: bedrock (default; IAM, no key), openai or azure-openai (key
 *     in Secrets Manager), local (the embedded model; weights deployed to the bucket)
 * @param model provider's model id
 * @param embedderConcurrency most embedder invocations at once (the SQS event source's maximum)
 * @param embedderBatchSize SQS messages per embedder invocation
 * @param batchingWindowSeconds how long the event source gathers messages
 * @param embedderMemoryMb embedder memory; 1769 MB is one full vCPU
 * @param maxReceiveCount receives before a batch goes to the DLQ
 * @param requestsPerMinute the provider's requests/min shared by all embedders (0 = unmanaged)
 * @param tokensPerMinute the provider's tokens/min shared by all embedders (0 = unmanaged)
 * @param maxRetries retries of a failed provider request
 * @param batchRetentionDays days batch payloads stay in the bucket
 * @param retainData keep bucket and tables when the stack is deleted
 * @param alarmEmail an address subscribed to the alarms' SNS topic, or null
 * @param azureEndpoint azure-openai: the resource's endpoint, e.g. https://acme.openai.azure.com
 * @param azureDeployment azure-openai: the deployment's name (default: the model id)
 * @param azureApiVersion azure-openai: the data-plane API version (default 2024-10-21)
 * @param mode jobs' default mode, {@code SIGNAL_HUB_MODE}: on-demand, or economy (the provider's
 *     batch API at half price; only for a provider that has one, see {@link #batchApi()})
 */
public record StackSettings(
    String provider,
    String model,
    int embedderConcurrency,
    int embedderBatchSize,
    int batchingWindowSeconds,
    int embedderMemoryMb,
    int maxReceiveCount,
    long requestsPerMinute,
    long tokensPerMinute,
    int maxRetries,
    int batchRetentionDays,
    boolean retainData,
    String alarmEmail,
    String azureEndpoint,
    String azureDeployment,
    String azureApiVersion,
    String mode) {

  public static StackSettings from(Function<String, Object> context) {
    Reader r = new Reader(context);
    String provider = r.text("provider", "bedrock");
    String defaultModel =
        switch (provider) {
          case "openai", "azure-openai" -> "text-embedding-3-small";
          case "local" -> "all-minilm-l6-v2-q";
          default -> "amazon.titan-embed-text-v2:0";
        };
    if (provider.equals("azure-openai") && r.text("azureEndpoint", null) == null) {
      throw new IllegalArgumentException(
          "provider=azure-openai needs -c azureEndpoint=https://<resource>.openai.azure.com"
              + " (and -c azureDeployment=<deployment> unless it is named after the model)");
    }
    StackSettings settings =
        new StackSettings(
            provider,
            r.text("model", defaultModel),
            r.number("embedderConcurrency", 10),
            r.number("embedderBatchSize", 10),
            r.number("batchingWindowSeconds", 1),
            r.number("embedderMemoryMb", 1769),
            r.number("maxReceiveCount", 5),
            r.number("requestsPerMinute", 0),
            r.number("tokensPerMinute", 0),
            r.number("maxRetries", 3),
            r.number("batchRetentionDays", 7),
            Boolean.parseBoolean(r.text("retainData", "true")),
            r.text("alarmEmail", null),
            r.text("azureEndpoint", null),
            r.text("azureDeployment", null),
            r.text("azureApiVersion", null),
            r.text("mode", "on-demand"));
    if (settings.mode().equals("economy") && !settings.batchApi()) {
      // every job would fail at once: refuse the deployment instead
      throw new IllegalArgumentException(
          "-c mode=economy needs a provider with a batch API (openai); provider="
              + provider
              + " has none: deploy with mode=on-demand");
    }
    return settings;
  }

  /**
   * Whether the functions buy this provider's embeddings through its batch API in economy mode
   * (ProviderBatchApis in the functions): only then do they get economy mode's grants.
   */
  boolean batchApi() {
    return provider.equals("openai");
  }

  private record Reader(Function<String, Object> context) {
    String text(String key, String fallback) {
      Object value = context.apply(key);
      return value == null ? fallback : value.toString();
    }

    int number(String key, int fallback) {
      return Integer.parseInt(text(key, Integer.toString(fallback)));
    }
  }
}
