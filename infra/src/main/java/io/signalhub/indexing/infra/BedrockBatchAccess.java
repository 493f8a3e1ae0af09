package io.signalhub.indexing.infra;

import static io.signalhub.indexing.infra.Functions.allow;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * Bedrock batch inference for economy jobs (provider {@code bedrock}): the service role Bedrock
 * assumes to read the input files and write the output
 * (docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html), and what the functions that
 * submit and poll provider batches need. Nothing else may use the role: it trusts only Bedrock, and
 * only for jobs of this account ({@code aws:SourceAccount}, {@code aws:SourceArn}), against the
 * confused-deputy problem; it reads only the input prefix and writes only the output prefix.
 */
final class BedrockBatchAccess {

  /** Where the functions write input files (as {@code BedrockBatchApi.INPUT_PREFIX}). */
  static final String INPUT_PREFIX = "economy/bedrock/input/";

  /** Where Bedrock writes output (as {@code BedrockBatchApi.OUTPUT_PREFIX}). */
  static final String OUTPUT_PREFIX = "economy/bedrock/output/";

  /** The functions read the role's ARN from {@code signal-hub.bedrock.batch-role-arn}. */
  static final String ROLE_ARN_VARIABLE = "SIGNAL_HUB_BEDROCK_BATCH_ROLE_ARN";

  final Role serviceRole;

  /** Bedrock batch inference serves Titan text embeddings here, not Cohere's. */
  static boolean applies(StackSettings settings) {
    return settings.provider().equals("bedrock")
        && settings.model().startsWith("amazon.titan-embed-text");
  }

  BedrockBatchAccess(
      Construct stack, StackSettings settings, Functions functions, IndexBucket index) {
    Stack aws = Stack.of(stack);
    Bucket bucket = index.bucket;
    String jobs =
        "arn:"
            + aws.getPartition()
            + ":bedrock:"
            + aws.getRegion()
            + ":"
            + aws.getAccount()
            + ":model-invocation-job/*";
    serviceRole =
        Role.Builder.create(stack, "BedrockBatchRole")
            .description("Assumed by Bedrock batch inference to read economy input, write output")
            .assumedBy(
                new ServicePrincipal("bedrock.amazonaws.com")
                    .withConditions(
                        Map.of(
                            "StringEquals", Map.of("aws:SourceAccount", aws.getAccount()),
                            "ArnEquals", Map.of("aws:SourceArn", jobs))))
            .inlinePolicies(
                Map.of(
                    "BatchData",
                    PolicyDocument.Builder.create()
                        .statements(
                            List.of(
                                statement("s3:GetObject", bucket.arnForObjects(INPUT_PREFIX + "*")),
                                statement(
                                    "s3:PutObject", bucket.arnForObjects(OUTPUT_PREFIX + "*"))))
                        .build()))
            .build();
    String model =
        "arn:"
            + aws.getPartition()
            + ":bedrock:"
            + aws.getRegion()
            + "::foundation-model/"
            + settings.model();
    // the fan-outs submit; the embedder polls, reads results, stops, and resubmits (fallback)
    for (Function submitter :
        List.of(functions.fanout, functions.fanoutContinuation, functions.embedder)) {
      allow(submitter, List.of("bedrock:CreateModelInvocationJob"), jobs, model);
      allow(submitter, List.of("s3:PutObject"), bucket.arnForObjects(INPUT_PREFIX + "*"));
      submitter.addToRolePolicy(
          PolicyStatement.Builder.create()
              .effect(Effect.ALLOW)
              .actions(List.of("iam:PassRole"))
              .resources(List.of(serviceRole.getRoleArn()))
              .conditions(
                  Map.of("StringEquals", Map.of("iam:PassedToService", "bedrock.amazonaws.com")))
              .build());
      submitter.addEnvironment(ROLE_ARN_VARIABLE, serviceRole.getRoleArn());
    }
    allow(
        functions.embedder,
        List.of("bedrock:GetModelInvocationJob", "bedrock:StopModelInvocationJob"),
        jobs);
    allow(functions.embedder, List.of("s3:GetObject"), bucket.arnForObjects(OUTPUT_PREFIX + "*"));
  }

  private static PolicyStatement statement(String action, String resource) {
    return PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .actions(List.of(action))
        .resources(List.of(resource))
        .build();
  }
}
