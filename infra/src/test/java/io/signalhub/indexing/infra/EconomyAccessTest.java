package io.signalhub.indexing.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Economy mode's grants, each on exactly its resource, and only for a provider whose batch API the
 * functions use: the fan-out reads the key and the batch payloads it submits, the embedder and the
 * dead-letter consumer send polls and on-demand fallbacks to the batch queue.
 */
class EconomyAccessTest {

  private static Template openai;
  private static Template economy;
  private static Template bedrock;
  private static Template cohere;
  private static Template azure;

  @BeforeAll
  static void synthesize() throws IOException {
    StackSynth stack = new StackSynth();
    openai = stack.template(Map.of("provider", "openai"));
    economy = stack.template(Map.of("provider", "openai", "mode", "economy"));
    bedrock = stack.template(Map.of("mode", "economy"));
    cohere = stack.template(Map.of("provider", "bedrock", "model", "cohere.embed-english-v3"));
    azure =
        stack.template(
            Map.of("provider", "azure-openai", "azureEndpoint", "https://acme.openai.azure.com"));
  }

  @Test
  void theFanOutOnlyQueuesGathersSoItGetsNeitherTheKeyNorTheBatchPayloads() {
    for (Template template : List.of(openai, economy, bedrock)) {
      for (String fanOut : List.of("FanOutRole", "FanOutContinuationRole")) {
        assertThat(resourcesOf(template, fanOut, "secretsmanager:GetSecretValue")).isEmpty();
        assertThat(resourcesOf(template, fanOut, "s3:GetObject"))
            .allMatch(r -> r.matches(".*/(manifests|sources)/\\*.*"));
      }
      for (String handler : List.of("fanout", "fanout-continuation")) {
        var functions =
            template.findResources(
                "AWS::Lambda::Function",
                Map.of(
                    "Properties",
                    Map.of(
                        "Environment",
                        Map.of(
                            "Variables",
                            Match.objectLike(Map.of("QUARKUS_LAMBDA_HANDLER", handler))))));
        assertThat(functions.values())
            .as(handler)
            .singleElement()
            .asString()
            .doesNotContain("SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN");
      }
    }
  }

  @Test
  void theEmbedderAndTheDeadLetterConsumerSendOnlyToTheBatchQueue() {
    String batchQueue = "\\{Fn::GetAtt=\\[Batches\\w+, Arn\\]\\}";
    for (String consumer : List.of("EmbedderRole", "DeadLetterConsumerRole")) {
      assertThat(resourcesOf(openai, consumer, "sqs:SendMessage"))
          .as(consumer)
          .singleElement()
          .asString()
          .matches(batchQueue);
    }
    // the embedder's event source lets it resolve the batch queue's URL; the DLQ consumer's not
    assertThat(resourcesOf(openai, "DeadLetterConsumerRole", "sqs:GetQueueUrl"))
        .anyMatch(r -> r.matches(batchQueue));
    // the dead-letter consumer never reads the key: it reads no provider batch
    assertThat(resourcesOf(openai, "DeadLetterConsumerRole", "secretsmanager:GetSecretValue"))
        .isEmpty();
  }

  @Test
  void providersWithoutABatchApiGetNoneOfIt() {
    for (Template template : List.of(cohere, azure)) {
      assertThat(resourcesOf(template, "EmbedderRole", "sqs:SendMessage")).isEmpty();
      assertThat(resourcesOf(template, "DeadLetterConsumerRole", "sqs:SendMessage")).isEmpty();
      assertThat(resourcesOf(template, "FanOutRole", "secretsmanager:GetSecretValue")).isEmpty();
      assertThat(resourcesOf(template, "FanOutRole", "s3:GetObject"))
          .noneMatch(r -> r.contains("/batches/*"));
    }
  }

  @Test
  void bedrockTitanPollsThroughTheBatchQueueWithoutAnyKey() {
    for (String consumer : List.of("EmbedderRole", "DeadLetterConsumerRole")) {
      assertThat(resourcesOf(bedrock, consumer, "sqs:SendMessage"))
          .as(consumer)
          .singleElement()
          .asString()
          .matches("\\{Fn::GetAtt=\\[Batches\\w+, Arn\\]\\}");
    }
  }

  @Test
  void economyAsTheDeploymentsDefaultModeReachesEveryFunction() {
    Map<String, Map<String, Object>> functions =
        economy.findResources("AWS::Lambda::Function", Map.of());
    List<String> pipeline = new ArrayList<>();
    functions.forEach(
        (id, function) -> {
          if (!id.startsWith("BucketNotificationsHandler") && !id.startsWith("CustomCDK")) {
            assertThat(function.toString()).as(id).contains("SIGNAL_HUB_MODE=economy");
            pipeline.add(id);
          }
        });
    assertThat(pipeline).hasSizeGreaterThanOrEqualTo(6);
  }

  @Test
  void economyAsTheDefaultIsRefusedForAProviderWithoutABatchApi() {
    assertThatThrownBy(
            () ->
                StackSettings.from(
                    Map.of(
                            "mode",
                            "economy",
                            "provider",
                            "bedrock",
                            "model",
                            "cohere.embed-english-v3")
                        ::get))
        .hasMessageContaining(
            "-c mode=economy needs a provider with a batch API (openai, or bedrock")
        .hasMessageContaining("provider=bedrock model=cohere.embed-english-v3");
  }

  /** The resources of every statement granting {@code action} in the role's policy. */
  static List<String> resourcesOf(Template template, String role, String action) {
    List<String> resources = new ArrayList<>();
    template
        .findResources("AWS::IAM::Policy")
        .forEach(
            (id, policy) -> {
              if (id.startsWith(role + "DefaultPolicy")) {
                for (Map<String, Object> statement : SignalHubStackTest.statements(policy)) {
                  if (SignalHubStackTest.asList(statement.get("Action")).contains(action)) {
                    SignalHubStackTest.asList(statement.get("Resource"))
                        .forEach(r -> resources.add(r.toString()));
                  }
                }
              }
            });
    return resources;
  }
}
