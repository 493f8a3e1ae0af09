package io.signalhub.indexing.fanout;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.economy.ProviderBatchApi;
import io.signalhub.indexing.core.economy.ProviderBatchApis;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the service once per container from the shared pipeline. The fan-out needs the model's
 * profile (limits, tokenizer, dimensions, price), never the embedding provider itself: no client,
 * no ONNX Runtime.
 *
 * <p>Its batches go through economy mode's service: an on-demand job's to the batch queue, an
 * economy job's gathered (gathers queued on the batch queue, within the provider batch API's file
 * limits; the embedders submit them), so the fan-out never reads the API key. A provider without a
 * batch API fails economy jobs at once with what to change.
 */
public class FanOutProducers {

  @Produces
  @Singleton
  FanOutService fanOut(
      AwsPipeline pipeline,
      ProviderSettings provider,
      EconomyConfig config,
      @ConfigProperty(name = "signal-hub.bedrock.batch-role-arn") Optional<String> bedrockRole) {
    ProviderBatchApis.Storage storage =
        new ProviderBatchApis.Storage(
            pipeline.blobs(), pipeline.settings().bucket(), bedrockRole.orElse(null));
    // the configured settings (no key) tell whether the provider has a batch API, and its file
    // limits, which are all the fan-out's gathering uses: the embedders submit, with the key
    ProviderBatchApi keyless = ProviderBatchApis.forSettings(provider, storage);
    return pipeline.fanOut(EmbeddingProviders.profile(provider), pipeline.economy(keyless, config));
  }

  /** No profile: whatever made the fan-out fail (its model included) must not stop this. */
  @Produces
  @Singleton
  FanOutFailureService failures(AwsPipeline pipeline, ProviderSettings provider) {
    return pipeline.fanOutFailures(provider.provider(), provider.model());
  }
}
