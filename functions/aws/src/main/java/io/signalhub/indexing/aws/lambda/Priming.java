package io.signalhub.indexing.aws.lambda;

import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Builds a function's services during init, not at its first request. Lambda runs init before it
 * takes the SnapStart snapshot (docs.aws.amazon.com/lambda/latest/dg/snapstart-best-practices.html
 * "Performance tuning"), so the snapshot holds the SDK clients, the pipeline, the model's profile
 * and the provider, and the first request after a restore finds them built; without SnapStart the
 * work moves from the first request to init, which Lambda does not bill at the function's memory
 * share. {@code signal-hub.prime=false} turns it off (to measure the difference).
 */
public final class Priming {

  private static final Logger LOG = Logger.getLogger(Priming.class.getName());

  private Priming() {}

  /** The handler this function was deployed as ({@code QUARKUS_LAMBDA_HANDLER}), or "". */
  public static String handler() {
    return ConfigProvider.getConfig()
        .getOptionalValue("quarkus.lambda.handler", String.class)
        .orElse("");
  }

  /** Builds what {@code service} supplies now, unless priming is turned off. */
  public static void prime(String what, Supplier<?> service) {
    if (!ConfigProvider.getConfig()
        .getOptionalValue("signal-hub.prime", Boolean.class)
        .orElse(true)) {
      return;
    }
    long start = System.nanoTime();
    service.get();
    LOG.info(() -> "Primed " + what + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
  }
}
