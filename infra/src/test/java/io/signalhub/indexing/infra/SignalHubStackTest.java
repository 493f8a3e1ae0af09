package io.signalhub.indexing.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Every property the stack promises, each asserted on the synthesized template. */
class SignalHubStackTest {

  private static Template bedrock;
  private static Template openai;
  private static Map<String, Path> zips;
  private static Path zipDir;

  @BeforeAll
  static void synthesize() throws IOException {
    Path dir = Files.createTempDirectory("signal-hub-zips");
    zipDir = dir;
    zips =
        Map.of(
            "fanout",
            placeholder(dir, "fanout"),
            "embedder",
            placeholder(dir, "embedder"),
            "status",
            placeholder(dir, "status"));
    bedrock = synth(Map.of(), zips, dir);
    openai =
        synth(
            Map.of(
                "provider",
                "openai",
                "embedderConcurrency",
                "25",
                "maxReceiveCount",
                "3",
                "alarmEmail",
                "oncall@example.com"),
            zips,
            dir);
  }

  static Template synth(Map<String, String> context, Map<String, Path> zips, Path modelDir) {
    App app = new App();
    context.forEach((key, value) -> app.getNode().setContext(key, value));
    SignalHubStack stack =
        new SignalHubStack(
            app,
            "Test",
            StackProps.builder().build(),
            StackSettings.from(key -> app.getNode().tryGetContext(key)),
            zips,
            modelDir);
    return Template.fromStack(stack);
  }

  static Path placeholder(Path dir, String name) throws IOException {
    Path zip = dir.resolve(name + ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("placeholder.txt"));
      out.write(name.getBytes());
    }
    return zip;
  }

  @Test
  void theBucketBlocksPublicAccessEncryptsAndRequiresTls() {
    bedrock.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "PublicAccessBlockConfiguration",
                Map.of(
                    "BlockPublicAcls",
                    true,
                    "BlockPublicPolicy",
                    true,
                    "IgnorePublicAcls",
                    true,
                    "RestrictPublicBuckets",
                    true),
            "BucketEncryption",
                Map.of(
                    "ServerSideEncryptionConfiguration",
                    List.of(
                        Map.of(
                            "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256"))))));
    bedrock.hasResourceProperties(
        "AWS::S3::BucketPolicy",
        Map.of(
            "PolicyDocument",
            Map.of(
                "Statement",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Effect",
                                "Deny",
                                "Condition",
                                Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
  }

  @Test
  void batchPayloadsExpireByLifecycleRule() {
    bedrock.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "LifecycleConfiguration",
            Map.of(
                "Rules",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Prefix",
                                "batches/",
                                "ExpirationInDays",
                                7,
                                "Status",
                                "Enabled")))))));
  }

  @Test
  void manifestsInvokeTheFanOutsLiveAlias() {
    bedrock.hasResourceProperties(
        "Custom::S3BucketNotifications",
        Map.of(
            "NotificationConfiguration",
            Map.of(
                "LambdaFunctionConfigurations",
                List.of(
                    Map.of(
                        "Events", List.of("s3:ObjectCreated:*"),
                        "Filter",
                            Map.of(
                                "Key",
                                Map.of(
                                    "FilterRules",
                                    List.of(
                                        Map.of("Name", "suffix", "Value", ".json"),
                                        Map.of("Name", "prefix", "Value", "manifests/")))),
                        "LambdaFunctionArn",
                            Map.of("Ref", Match.stringLikeRegexp("FanOutLive.*")))))));
  }

  @Test
  void theBatchQueueHasItsDlqAVisibilityOfSixEmbedderTimeoutsAndEncryption() {
    bedrock.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of(
            "VisibilityTimeout",
            1800,
            "SqsManagedSseEnabled",
            true,
            "RedrivePolicy",
            Map.of("maxReceiveCount", 5, "deadLetterTargetArn", Match.anyValue())));
    openai.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of(
            "RedrivePolicy",
            Map.of("maxReceiveCount", 3, "deadLetterTargetArn", Match.anyValue())));
    bedrock.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Timeout",
            300,
            "Environment",
            Map.of("Variables", Match.objectLike(Map.of("QUARKUS_LAMBDA_HANDLER", "embed")))));
    assertThat(
            bedrock.findResources(
                "AWS::SQS::Queue", Map.of("Properties", Map.of("SqsManagedSseEnabled", true))))
        .hasSize(4);
  }

  @Test
  void tablesAreOnDemandWithPointInTimeRecoveryAndTtlWhereItemsExpire() {
    for (String key : List.of("pk", "key", "budget")) {
      bedrock.hasResourceProperties(
          "AWS::DynamoDB::Table",
          Map.of(
              "KeySchema",
                  Match.arrayWith(List.of(Map.of("AttributeName", key, "KeyType", "HASH"))),
              "BillingMode", "PAY_PER_REQUEST",
              "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
    }
    assertThat(
            bedrock.findResources(
                "AWS::DynamoDB::Table",
                Map.of(
                    "Properties",
                    Map.of(
                        "TimeToLiveSpecification",
                        Map.of("AttributeName", "expiresAt", "Enabled", true)))))
        .hasSize(2);
    bedrock.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of("IndexName", "byCreated")))));
  }

  @Test
  void functionsRunJava21WithSnapStartBehindLiveAliases() {
    Map<String, Map<String, Object>> functions =
        bedrock.findResources(
            "AWS::Lambda::Function",
            Map.of("Properties", Map.of("Handler", SignalHubStack.QUARKUS_HANDLER)));
    assertThat(functions).hasSize(6);
    bedrock.allResourcesProperties("AWS::Lambda::Function", Map.of());
    for (var function : functions.values()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> props = (Map<String, Object>) function.get("Properties");
      assertThat(props)
          .containsEntry("Runtime", "java21")
          .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
    }
    assertThat(
            bedrock.findResources(
                "AWS::Lambda::Alias", Map.of("Properties", Map.of("Name", "live"))))
        .hasSize(6);
    bedrock.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("MemorySize", 1769, "Timeout", 300));
    bedrock.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("MemorySize", 1024, "Timeout", 900));
    bedrock.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("MemorySize", 1024, "Timeout", 15));
  }

  @Test
  void theEmbedderConsumesBatchesWithPartialBatchResponsesUnderAConcurrencyCap() {
    bedrock.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "BatchSize",
            10,
            "MaximumBatchingWindowInSeconds",
            1,
            "ScalingConfig",
            Map.of("MaximumConcurrency", 10),
            "FunctionResponseTypes",
            List.of("ReportBatchItemFailures")));
    openai.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of("ScalingConfig", Map.of("MaximumConcurrency", 25)));
    // the embedder, the DLQ consumer and the fan-out failure consumer report partial failures; the
    // continuation consumer takes one key at a time
    assertThat(
            bedrock.findResources(
                "AWS::Lambda::EventSourceMapping",
                Map.of(
                    "Properties",
                    Map.of("FunctionResponseTypes", List.of("ReportBatchItemFailures")))))
        .hasSize(3);
    bedrock.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of("BatchSize", 1));
  }

  /** Invariant 9: a fan-out that keeps failing ends its job, by either path. */
  @Test
  void aFanOutThatKeepsFailingReachesTheFailureQueueWhoseConsumerFailsTheJob() {
    Map<String, Object> failureQueueArn =
        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("FanOutFailures.*"), "Arn"));
    // the S3-triggered invocation: two retries, then the on-failure destination
    bedrock.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of(
            "FunctionName",
            Map.of("Ref", Match.stringLikeRegexp("^FanOut[0-9A-F]{8}$")),
            "MaximumRetryAttempts",
            2,
            "DestinationConfig",
            Map.of("OnFailure", Map.of("Destination", failureQueueArn))));
    // a continuation: three receives, then the queue's DLQ
    bedrock.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of(
            "VisibilityTimeout",
            5400,
            "RedrivePolicy",
            Map.of("deadLetterTargetArn", failureQueueArn, "maxReceiveCount", 3)));
    bedrock.hasResourceProperties(
        "AWS::SQS::Queue", Map.of("MessageRetentionPeriod", 1_209_600, "VisibilityTimeout", 360));
    bedrock.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "EventSourceArn",
            failureQueueArn,
            "FunctionResponseTypes",
            List.of("ReportBatchItemFailures")));
    bedrock.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Timeout",
            60,
            "Environment",
            Map.of(
                "Variables", Match.objectLike(Map.of("QUARKUS_LAMBDA_HANDLER", "fanout-failed")))));
    assertThat(policyOf(bedrock, "FanOutRole")).contains("sqs:SendMessage");
    assertThat(policyOf(bedrock, "FanOutFailureConsumerRole"))
        .contains("dynamodb:UpdateItem")
        .contains("sqs:ReceiveMessage")
        .doesNotContain("s3:")
        .doesNotContain("bedrock:")
        .doesNotContain("sqs:SendMessage");
  }

  @Test
  void theStatusRoutesAreIamAuthorized() {
    for (String route : List.of("GET /jobs", "GET /jobs/{id}")) {
      bedrock.hasResourceProperties(
          "AWS::ApiGatewayV2::Route", Map.of("RouteKey", route, "AuthorizationType", "AWS_IAM"));
    }
  }

  @Test
  void noFunctionPolicyUsesAWildcardActionOrResource() {
    List<String> offending = new ArrayList<>();
    for (Template template : List.of(bedrock, openai)) {
      template
          .findResources("AWS::IAM::Policy")
          .forEach(
              (id, policy) -> {
                if (id.startsWith("BucketNotificationsHandler")) {
                  return; // CDK's own custom resource, not one of our functions
                }
                for (Map<String, Object> statement : statements(policy)) {
                  for (Object action : asList(statement.get("Action"))) {
                    if (action.equals("*") || action.toString().endsWith(":*")) {
                      offending.add(id + " action " + action);
                    }
                  }
                  for (Object resource : asList(statement.get("Resource"))) {
                    if (resource.equals("*")) {
                      offending.add(id + " resource *");
                    }
                  }
                }
              });
      template
          .findResources("AWS::IAM::Role")
          .forEach(
              (id, role) -> {
                if (!id.startsWith("BucketNotificationsHandler")) {
                  assertThat(role.toString()).as(id).doesNotContain("ManagedPolicyArns");
                }
              });
    }
    assertThat(offending).isEmpty();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> statements(Map<String, Object> policy) {
    Map<String, Object> properties = (Map<String, Object>) policy.get("Properties");
    Map<String, Object> document = (Map<String, Object>) properties.get("PolicyDocument");
    return (List<Map<String, Object>>) document.get("Statement");
  }

  static List<?> asList(Object value) {
    return value instanceof List<?> list ? list : List.of(value);
  }

  @Test
  void eachFunctionGetsOnlyWhatItUses() {
    String statusPolicy = policyOf(bedrock, "StatusRole");
    assertThat(statusPolicy)
        .contains("dynamodb:GetItem")
        .contains("dynamodb:Query")
        .doesNotContain("s3:")
        .doesNotContain("sqs:")
        .doesNotContain("PutItem");
    String embedderPolicy = policyOf(bedrock, "EmbedderRole");
    assertThat(embedderPolicy)
        .contains("bedrock:InvokeModel")
        .contains("foundation-model/amazon.titan-embed-text-v2:0")
        .doesNotContain("sqs:SendMessage");
    String fanoutPolicy = policyOf(bedrock, "FanOutRole");
    assertThat(fanoutPolicy)
        .contains("sqs:SendMessage")
        .doesNotContain("bedrock:InvokeModel") // it submits batch jobs only (BedrockBatchAccess)
        .doesNotContain("BatchWriteItem");
  }

  @Test
  void anOpenAiKeyComesFromSecretsManagerNeverAPlainVariable() {
    openai.resourceCountIs("AWS::SecretsManager::Secret", 1);
    hasAFunctionWithVariables(
        openai,
        Map.of(
            "SIGNAL_HUB_EMBEDDING_PROVIDER",
            "openai",
            "SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN",
            Map.of("Ref", Match.stringLikeRegexp("EmbeddingApiKey.*"))));
    assertThat(policyOf(openai, "EmbedderRole")).contains("secretsmanager:GetSecretValue");
    assertThat(openai.toJSON().toString()).doesNotContain("OPENAI_API_KEY");
    bedrock.resourceCountIs("AWS::SecretsManager::Secret", 0);
  }

  @Test
  void azureOpenAiGetsItsEndpointDeploymentAndVersionAndAKeyFromSecretsManager() {
    Template azure =
        synth(
            Map.of(
                "provider", "azure-openai",
                "azureEndpoint", "https://acme.openai.azure.com",
                "azureDeployment", "embeddings-small",
                "tokensPerMinute", "40000"),
            zips,
            zipDir);
    azure.resourceCountIs("AWS::SecretsManager::Secret", 1);
    hasAFunctionWithVariables(
        azure,
        Map.of(
            "SIGNAL_HUB_EMBEDDING_PROVIDER", "azure-openai",
            "SIGNAL_HUB_EMBEDDING_AZURE_ENDPOINT", "https://acme.openai.azure.com",
            "SIGNAL_HUB_EMBEDDING_AZURE_DEPLOYMENT", "embeddings-small",
            "SIGNAL_HUB_RATE_TOKENS_PER_MINUTE", "40000",
            "SIGNAL_HUB_EMBEDDING_API_KEY_SECRET_ARN",
                Map.of("Ref", Match.stringLikeRegexp("EmbeddingApiKey.*"))));
  }

  /** Some function of {@code template} has (at least) these environment variables. */
  private static void hasAFunctionWithVariables(Template template, Map<String, ?> variables) {
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Environment", Map.of("Variables", Match.objectLike(variables))));
  }

  @Test
  void azureOpenAiWithoutAnEndpointIsAClearError() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> StackSettings.from(Map.of("provider", "azure-openai")::get))
        .hasMessageContaining("azureEndpoint");
  }

  @Test
  void jobsDefaultModeIsOnDemandUnlessTheDeploymentSetsIt() {
    bedrock.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Environment",
            Map.of("Variables", Match.objectLike(Map.of("SIGNAL_HUB_MODE", "on-demand")))));
  }

  @Test
  void alarmsWatchTheDlqAndEveryFunctionsErrorsAndThrottles() {
    bedrock.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of("MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1));
    assertThat(
            bedrock.findResources(
                "AWS::CloudWatch::Alarm", Map.of("Properties", Map.of("MetricName", "Errors"))))
        .hasSize(6);
    assertThat(
            bedrock.findResources(
                "AWS::CloudWatch::Alarm", Map.of("Properties", Map.of("MetricName", "Throttles"))))
        .hasSize(6);
  }

  @Test
  void everyAlarmNotifiesTheAlarmTopicAndAnAlarmEmailIsSubscribed() {
    for (Template template : List.of(bedrock, openai)) {
      Map<String, Map<String, Object>> topics = template.findResources("AWS::SNS::Topic");
      assertThat(topics).hasSize(1);
      String topic = topics.keySet().iterator().next();
      Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm");
      assertThat(alarms).isNotEmpty();
      alarms.forEach(
          (id, alarm) ->
              assertThat(alarm.get("Properties").toString())
                  .as(id)
                  .contains("AlarmActions=[{Ref=" + topic + "}]"));
    }
    assertThat(bedrock.findResources("AWS::SNS::Subscription")).isEmpty();
    openai.hasResourceProperties(
        "AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "oncall@example.com"));
  }

  @Test
  void theContextKeysListAndStackSettingsNameTheSameKeys() throws IOException {
    java.util.Set<String> read = new java.util.TreeSet<>();
    StackSettings.from(
        key -> {
          read.add(key);
          return null;
        });
    String list;
    try (var in = StackSettings.class.getResourceAsStream("/context-keys.json")) {
      list = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    java.util.Set<String> listed = new java.util.TreeSet<>();
    java.util.regex.Matcher key =
        java.util.regex.Pattern.compile("\n    \"([A-Za-z]+)\": \\{").matcher(list);
    while (key.find()) {
      listed.add(key.group(1));
    }
    assertThat(listed).isEqualTo(read).contains("provider", "alarmEmail");
  }

  @Test
  void outputsNameTheBucketAndTheApi() {
    bedrock.hasOutput("BucketName", Map.of());
    bedrock.hasOutput("StatusApiUrl", Map.of());
  }

  private static String policyOf(Template template, String rolePrefix) {
    StringBuilder text = new StringBuilder();
    template
        .findResources("AWS::IAM::Policy")
        .forEach(
            (id, policy) -> {
              if (id.startsWith(rolePrefix + "DefaultPolicy")) {
                text.append(policy);
              }
            });
    assertThat(text).as("a policy of %s", rolePrefix).isNotEmpty();
    return text.toString();
  }
}
