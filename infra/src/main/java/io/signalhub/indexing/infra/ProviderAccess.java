package io.signalhub.indexing.infra;

import static io.signalhub.indexing.infra.Functions.allow;

import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * What the embedder needs to reach its provider: Bedrock's model by IAM; an OpenAI-compatible
 * provider's key in Secrets Manager; the local model's weights in the bucket.
 */
final class ProviderAccess {

  /** The OpenAI-compatible provider's key, or null for a provider without one. */
  final Secret key;

  ProviderAccess(
      Construct stack,
      StackSettings settings,
      Functions functions,
      IndexBucket bucket,
      Path model) {
    Function embedder = functions.embedder;
    if (settings.provider().equals("bedrock")) {
      Stack aws = Stack.of(stack);
      allow(
          embedder,
          List.of("bedrock:InvokeModel"),
          "arn:"
              + aws.getPartition()
              + ":bedrock:"
              + aws.getRegion()
              + "::foundation-model/"
              + settings.model());
    }
    if (settings.provider().equals("openai") || settings.provider().equals("azure-openai")) {
      // the key lives in Secrets Manager; the embedder reads it at start, never from a plain
      // variable
      key =
          Secret.Builder.create(stack, "EmbeddingApiKey")
              .description(
                  "API key of the OpenAI-compatible embedding provider; set its value after the first deploy")
              .build();
      allow(embedder, List.of("secretsmanager:GetSecretValue"), key.getSecretArn());
      embedder.addEnvironment("SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN", key.getSecretArn());
      CfnOutput.Builder.create(stack, "ApiKeySecretArn")
          .value(key.getSecretArn())
          .description("Put the provider's API key here")
          .build();
    } else {
      key = null;
    }
    if (settings.provider().equals("local")) {
      BucketDeployment.Builder.create(stack, "LocalModelWeights")
          .sources(List.of(Source.asset(model.toString())))
          .destinationBucket(bucket.bucket)
          .destinationKeyPrefix("models/")
          .prune(false)
          .build();
    }
  }
}
