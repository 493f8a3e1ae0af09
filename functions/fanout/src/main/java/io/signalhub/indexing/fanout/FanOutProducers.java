package io.signalhub.indexing.fanout;

import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.core.economy.EconomyConfig;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Builds the service once per container from the shared pipeline. The fan-out needs only the
 * model's profile (limits, tokenizer, dimensions, price), never the provider itself: no key, no
 * client, no ONNX Runtime.
 *
 * <p>Economy mode is not wired into the deployed functions yet (the embedder and the dead-letter
 * consumer do not route poll messages, and the stack grants nothing for it): its batches go through
 * an economy service without a batch API, so a job asking for {@code settings.mode: economy} fails
 * at once with that reason instead of being embedded on demand at full price.
 */
public class FanOutProducers {

  /** Why a deployed fan-out fails an economy job. */
  static final String ECONOMY_NOT_DEPLOYED =
      "economy mode is not available in the deployed functions yet (it runs on the local stack:"
          + " scripts/index --economy); remove settings.mode from the manifest or set it to"
          + " on-demand";

  @Produces
  @Singleton
  FanOutService fanOut(AwsPipeline pipeline, ProviderSettings provider) {
    return pipeline.fanOut(
        EmbeddingProviders.profile(provider),
        pipeline
            .economy(
                null,
                EconomyConfig.from(
                    key -> ConfigProvider.getConfig().getOptionalValue(key, String.class)))
            .unavailableBecause(ECONOMY_NOT_DEPLOYED));
  }

  /** No profile: whatever made the fan-out fail (its model included) must not stop this. */
  @Produces
  @Singleton
  FanOutFailureService failures(AwsPipeline pipeline, ProviderSettings provider) {
    return pipeline.fanOutFailures(provider.provider(), provider.model());
  }
}
