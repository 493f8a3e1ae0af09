package io.signalhub.indexing.aws;

import java.net.URI;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the AWS clients connect. Empty means the real service in {@code region}. Read from the
 * standard variables {@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL_SQS}, {@code
 * AWS_ENDPOINT_URL_DYNAMODB} and {@code AWS_ENDPOINT_URL} (one endpoint for all, as LocalStack
 * users set it), so the CLI, boto3 and the AWS CLI agree on one configuration.
 *
 * @param accessKeyConfigured whether {@code AWS_ACCESS_KEY_ID} (or {@code aws.accessKeyId}) is set:
 *     then local endpoints get those keys through the default chain instead of {@code test/test}
 */
public record AwsEndpoints(
    String region,
    Optional<URI> s3,
    Optional<URI> sqs,
    Optional<URI> dynamodb,
    boolean accessKeyConfigured) {

  /** With no access key configured. */
  public AwsEndpoints(String region, Optional<URI> s3, Optional<URI> sqs, Optional<URI> dynamodb) {
    this(region, s3, sqs, dynamodb, false);
  }

  public static AwsEndpoints from(Function<String, Optional<String>> environment) {
    Optional<URI> all = environment.apply("AWS_ENDPOINT_URL").map(URI::create);
    return new AwsEndpoints(
        environment
            .apply("AWS_REGION")
            .or(() -> environment.apply("AWS_DEFAULT_REGION"))
            .orElse("us-east-1"),
        environment.apply("AWS_ENDPOINT_URL_S3").map(URI::create).or(() -> all),
        environment.apply("AWS_ENDPOINT_URL_SQS").map(URI::create).or(() -> all),
        environment.apply("AWS_ENDPOINT_URL_DYNAMODB").map(URI::create).or(() -> all),
        environment.apply("AWS_ACCESS_KEY_ID").isPresent()
            || environment.apply("aws.accessKeyId").isPresent());
  }

  public static AwsEndpoints fromSystem() {
    return from(
        name ->
            Optional.ofNullable(System.getenv(name))
                .or(() -> Optional.ofNullable(System.getProperty(name)))
                .filter(v -> !v.isBlank()));
  }

  /** All three services on one local endpoint each. */
  public static AwsEndpoints local(URI s3, URI sqs, URI dynamodb) {
    return new AwsEndpoints("us-east-1", Optional.of(s3), Optional.of(sqs), Optional.of(dynamodb));
  }
}
