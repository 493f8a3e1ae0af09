package io.signalhub.indexing.asdeployed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.local.deployed.CfnTemplate;
import io.signalhub.indexing.local.deployed.FunctionSpec;
import io.signalhub.indexing.local.deployed.IamCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * provider=bedrock (the default deployment) as deployed: Bedrock's InvokeModel answered by a Titan
 * stand-in reached through the same endpoint as S3, SQS and DynamoDB.
 */
class BedrockAsDeployedIT {

  private static AsDeployedRun run;

  @BeforeAll
  static void runAJob() throws Exception {
    run = new AsDeployedRun("bedrock", Map.of(), AsDeployedRun.options("bedrock").build());
  }

  @AfterAll
  static void stop() throws Exception {
    if (run != null) {
      run.close();
    }
  }

  private static FunctionSpec function(String prefix) {
    return run.function(prefix);
  }

  @Test
  void aManifestRunsToCompletedThroughTheBuiltZips() throws Exception {
    run.assertCompleted();
    assertThat(run.stack.bedrockInvocations()).isPositive();
    assertThat(run.statusCodeOf("no-such-job")).isEqualTo(404);
    // the readme.txt under manifests/ did not match the notification's .json suffix
    assertThat(run.stack.invocations(function("FanOut").logicalId())).isEqualTo(1);
  }

  @Test
  void everyFunctionRunsWithWhatTheTemplateSays() {
    assertThat(run.stack.functions())
        .extracting(f -> f.environment().getOrDefault("QUARKUS_LAMBDA_HANDLER", "(http)"))
        .contains("fanout", "fanout-continuation", "embed", "dead-letter", "(http)");
    assertThat(run.stack.functions())
        .allSatisfy(
            f ->
                assertThat(run.stack.commandOf(f.logicalId()))
                    .contains("com.amazonaws.services.lambda.runtime.api.client.AWSLambda"));
    FunctionSpec embedder = function("Embedder");
    assertThat(embedder.memoryMb()).isEqualTo(1769);
    assertThat(embedder.timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(run.stack.commandOf(embedder.logicalId())).contains("-Xmx1769m");
    assertThat(function("Status").timeout()).isEqualTo(Duration.ofSeconds(15));
    // names come from the template's references, not the code's defaults (signal-hub-local, ...)
    Map<String, String> env = run.stack.environmentOf(embedder.logicalId());
    assertThat(env.get("SIGNAL_HUB_BUCKET")).isEqualTo(run.bucket).isNotEqualTo("signal-hub-local");
    assertThat(env.get("SIGNAL_HUB_BATCH_QUEUE")).startsWith("Batches");
    assertThat(env.get("QUARKUS_LAMBDA_HANDLER")).isEqualTo("embed");
    assertThat(env.get("_HANDLER"))
        .isEqualTo("io.quarkus.amazon.lambda.runtime.QuarkusStreamHandler::handleRequest");
    assertThat(run.stack.eventSourceMappings())
        .anySatisfy(
            m -> {
              assertThat(m.function()).isEqualTo(embedder.logicalId());
              assertThat(m.batchSize()).isEqualTo(10);
              assertThat(m.batchingWindow()).isEqualTo(Duration.ofSeconds(1));
              assertThat(m.maximumConcurrency()).isEqualTo(10);
              assertThat(m.reportBatchItemFailures()).isTrue();
            });
    assertThat(run.stack.notifications())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.prefix()).isEqualTo("manifests/");
              assertThat(n.suffix()).isEqualTo(".json");
              assertThat(n.function()).isEqualTo(function("FanOut").logicalId());
            });
  }

  @Test
  void everyAwsCallIsAllowedByTheFunctionsOwnRole() {
    run.assertEveryCallAllowed(
        "s3:GetObject",
        "s3:PutObject",
        "sqs:SendMessage",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "bedrock:InvokeModel",
        "dynamodb:Query");
  }

  @Test
  void aGrantRemovedFromACopyOfTheTemplateFailsTheCheck() throws Exception {
    ObjectNode copy = (ObjectNode) AsDeployedRun.JSON.readTree(Files.readAllBytes(run.template));
    String role = function("Embedder").roleLogicalId();
    // drop bedrock:InvokeModel from the embedder role's policy
    copy.path("Resources")
        .fields()
        .forEachRemaining(
            resource -> {
              if (resource.getValue().path("Type").asText().equals("AWS::IAM::Policy")
                  && resource
                      .getValue()
                      .path("Properties")
                      .path("Roles")
                      .toString()
                      .contains(role)) {
                ArrayNode statements =
                    (ArrayNode)
                        resource
                            .getValue()
                            .path("Properties")
                            .path("PolicyDocument")
                            .path("Statement");
                for (int i = statements.size() - 1; i >= 0; i--) {
                  if (statements.get(i).path("Action").toString().contains("bedrock:InvokeModel")) {
                    statements.remove(i);
                  }
                }
              }
            });
    Path file = run.template.resolveSibling("without-invoke-model.template.json");
    Files.write(file, AsDeployedRun.JSON.writeValueAsBytes(copy));

    IamCheck.Report report =
        run.stack.checkIam(CfnTemplate.read(file, run.stack.endpoint().toString()));

    assertThat(report.passed()).isFalse();
    assertThat(report.denials())
        .isNotEmpty()
        .allSatisfy(
            d -> {
              assertThat(d.call().function()).isEqualTo(function("Embedder").logicalId());
              assertThat(d.toString())
                  .contains(
                      "bedrock:InvokeModel on arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0")
                  .contains("no statement grants bedrock:InvokeModel");
            });
  }
}
