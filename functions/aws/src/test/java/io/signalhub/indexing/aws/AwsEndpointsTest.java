package io.signalhub.indexing.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AwsEndpointsTest {

  private static AwsEndpoints from(Map<String, String> environment) {
    return AwsEndpoints.from(name -> Optional.ofNullable(environment.get(name)));
  }

  @Test
  void oneEndpointForAllUnlessAServiceHasItsOwn() {
    AwsEndpoints endpoints =
        from(
            Map.of(
                "AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_ENDPOINT_URL_SQS", "http://localhost:9324",
                "AWS_DEFAULT_REGION", "eu-west-1"));
    assertThat(endpoints.region()).isEqualTo("eu-west-1");
    assertThat(endpoints.s3()).contains(URI.create("http://localhost:4566"));
    assertThat(endpoints.sqs()).contains(URI.create("http://localhost:9324"));
    assertThat(endpoints.accessKeyConfigured()).isFalse();
  }

  @Test
  void anAccessKeyFromTheEnvironmentOrThePropertyIsNoticed() {
    assertThat(from(Map.of("AWS_ACCESS_KEY_ID", "AKIA")).accessKeyConfigured()).isTrue();
    assertThat(from(Map.of("aws.accessKeyId", "AKIA")).accessKeyConfigured()).isTrue();
    assertThat(from(Map.of()).region()).isEqualTo("us-east-1");
  }
}
