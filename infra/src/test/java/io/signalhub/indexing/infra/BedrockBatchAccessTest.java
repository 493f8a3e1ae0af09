package io.signalhub.indexing.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * Bedrock batch inference's service role and the grants to submit and poll, on the synthesized
 * template of a Bedrock (Titan) deployment, and their absence from the others.
 */
class BedrockBatchAccessTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode bedrock;
  private static JsonNode cohere;
  private static JsonNode openai;

  @BeforeAll
  static void synthesize() throws IOException {
    Path dir = Files.createTempDirectory("signal-hub-zips");
    Map<String, Path> zips =
        Map.of(
            "fanout", SignalHubStackTest.placeholder(dir, "fanout"),
            "embedder", SignalHubStackTest.placeholder(dir, "embedder"),
            "status", SignalHubStackTest.placeholder(dir, "status"));
    bedrock = json(SignalHubStackTest.synth(Map.of(), zips, dir));
    cohere = json(SignalHubStackTest.synth(Map.of("model", "cohere.embed-english-v3"), zips, dir));
    openai = json(SignalHubStackTest.synth(Map.of("provider", "openai"), zips, dir));
  }

  private static JsonNode json(Template template) {
    return JSON.valueToTree(template.toJSON()).path("Resources");
  }

  /** The resources of a type whose logical id starts with {@code prefix}. */
  private static List<JsonNode> resources(JsonNode template, String type, String prefix) {
    List<JsonNode> found = new ArrayList<>();
    template
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith(prefix)
                  && e.getValue().path("Type").asText().equals(type)) {
                found.add(e.getValue());
              }
            });
    return found;
  }

  private static JsonNode serviceRole(JsonNode template) {
    List<JsonNode> roles = resources(template, "AWS::IAM::Role", "BedrockBatchRole");
    assertThat(roles).hasSize(1);
    return roles.get(0).path("Properties");
  }

  /** Every statement of the function's role policies, as text. */
  private static String policyOf(JsonNode template, String rolePrefix) {
    StringBuilder text = new StringBuilder();
    for (JsonNode policy : resources(template, "AWS::IAM::Policy", rolePrefix)) {
      text.append(policy.path("Properties").path("PolicyDocument").path("Statement"));
    }
    return text.toString();
  }

  private static JsonNode statementWith(JsonNode template, String rolePrefix, String action) {
    for (JsonNode policy : resources(template, "AWS::IAM::Policy", rolePrefix)) {
      for (JsonNode statement :
          policy.path("Properties").path("PolicyDocument").path("Statement")) {
        if (statement.path("Action").toString().contains("\"" + action + "\"")) {
          return statement;
        }
      }
    }
    throw new AssertionError(rolePrefix + " has no statement granting " + action);
  }

  @Test
  void theServiceRoleTrustsOnlyBedrockForJobsOfThisAccount() {
    JsonNode trust = serviceRole(bedrock).path("AssumeRolePolicyDocument").path("Statement");
    assertThat(trust).hasSize(1);
    JsonNode statement = trust.get(0);
    assertThat(statement.path("Action").asText()).isEqualTo("sts:AssumeRole");
    assertThat(statement.path("Principal").path("Service").asText())
        .isEqualTo("bedrock.amazonaws.com");
    assertThat(statement.at("/Condition/StringEquals/aws:SourceAccount/Ref").asText())
        .isEqualTo("AWS::AccountId");
    assertThat(statement.at("/Condition/ArnEquals/aws:SourceArn").toString())
        .contains(":model-invocation-job/*");
  }

  @Test
  void theServiceRoleReadsOnlyTheInputPrefixAndWritesOnlyTheOutputPrefix() {
    JsonNode statements =
        serviceRole(bedrock).path("Policies").get(0).path("PolicyDocument").path("Statement");
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0).path("Action").asText()).isEqualTo("s3:GetObject");
    assertThat(statements.get(0).path("Resource").toString())
        .contains("/economy/bedrock/input/*")
        .doesNotContain("output");
    assertThat(statements.get(1).path("Action").asText()).isEqualTo("s3:PutObject");
    assertThat(statements.get(1).path("Resource").toString())
        .contains("/economy/bedrock/output/*")
        .doesNotContain("input");
    assertThat(resources(bedrock, "AWS::IAM::Policy", "BedrockBatchRole")).isEmpty();
    assertThat(serviceRole(bedrock).has("ManagedPolicyArns")).isFalse();
  }

  @Test
  void theFunctionsThatSubmitMayPassExactlyThatRoleAndOnlyToBedrock() {
    for (String function : List.of("FanOutRole", "FanOutContinuationRole", "EmbedderRole")) {
      JsonNode pass = statementWith(bedrock, function, "iam:PassRole");
      assertThat(pass.path("Action").asText()).as(function).isEqualTo("iam:PassRole");
      assertThat(pass.at("/Resource/Fn::GetAtt/0").asText())
          .as(function)
          .startsWith("BedrockBatchRole");
      assertThat(pass.at("/Condition/StringEquals/iam:PassedToService").asText())
          .isEqualTo("bedrock.amazonaws.com");
      JsonNode create = statementWith(bedrock, function, "bedrock:CreateModelInvocationJob");
      assertThat(create.path("Resource").toString())
          .contains(":model-invocation-job/*")
          .contains("::foundation-model/amazon.titan-embed-text-v2:0");
      assertThat(policyOf(bedrock, function)).as(function).contains("/economy/bedrock/input/*");
    }
    assertThat(policyOf(bedrock, "DeadLetterConsumerRole")).doesNotContain("bedrock:");
    assertThat(policyOf(bedrock, "StatusRole")).doesNotContain("bedrock:");
  }

  @Test
  void theEmbedderPollsStopsAndReadsTheOutputAndTheFanOutsDoNot() {
    JsonNode poll = statementWith(bedrock, "EmbedderRole", "bedrock:GetModelInvocationJob");
    assertThat(poll.path("Action").toString()).contains("bedrock:StopModelInvocationJob");
    assertThat(poll.path("Resource").toString()).contains(":model-invocation-job/*");
    assertThat(policyOf(bedrock, "EmbedderRole")).contains("/economy/bedrock/output/*");
    assertThat(policyOf(bedrock, "FanOutRole"))
        .doesNotContain("GetModelInvocationJob")
        .doesNotContain("/economy/bedrock/output/*");
  }

  @Test
  void theRoleArnReachesTheFunctionsThatSubmitAsConfiguration() {
    for (JsonNode function : resources(bedrock, "AWS::Lambda::Function", "")) {
      JsonNode variables = function.at("/Properties/Environment/Variables");
      String handler = variables.path("QUARKUS_LAMBDA_HANDLER").asText();
      JsonNode roleArn = variables.path(BedrockBatchAccess.ROLE_ARN_VARIABLE);
      if (List.of("fanout", "fanout-continuation", "embed").contains(handler)) {
        assertThat(roleArn.at("/Fn::GetAtt/0").asText()).as(handler).startsWith("BedrockBatchRole");
      } else {
        assertThat(roleArn.isMissingNode()).as(handler).isTrue();
      }
    }
  }

  @Test
  void deploymentsWithoutATitanModelGetNoBatchRoleNorGrants() {
    for (JsonNode template : List.of(cohere, openai)) {
      assertThat(resources(template, "AWS::IAM::Role", "BedrockBatchRole")).isEmpty();
      assertThat(template.toString())
          .doesNotContain("CreateModelInvocationJob")
          .doesNotContain("iam:PassRole")
          .doesNotContain(BedrockBatchAccess.ROLE_ARN_VARIABLE);
    }
  }
}
