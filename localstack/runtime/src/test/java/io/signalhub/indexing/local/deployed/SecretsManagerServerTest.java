package io.signalhub.indexing.local.deployed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The Secrets Manager stand-in as the SDK calls it: JSON 1.1 with an X-Amz-Target header. */
class SecretsManagerServerTest {

  private static final String ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:Key-Ab12";

  private static HttpResponse<String> call(SecretsManagerServer server, String target, String body)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(server.endpoint())
                .header("X-Amz-Target", "secretsmanager." + target)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void getsAndPutsValuesByNameOrArn() throws Exception {
    try (SecretsManagerServer server = new SecretsManagerServer()) {
      server.create("Key", ARN, "first");

      HttpResponse<String> got = call(server, "GetSecretValue", "{\"SecretId\":\"Key\"}");
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.headers().firstValue("Content-Type")).hasValue("application/x-amz-json-1.1");
      JsonNode value = LocalHttpService.JSON.readTree(got.body());
      assertThat(value.path("ARN").asText()).isEqualTo(ARN);
      assertThat(value.path("Name").asText()).isEqualTo("Key");
      assertThat(value.path("SecretString").asText()).isEqualTo("first");
      assertThat(value.path("VersionStages").get(0).asText()).isEqualTo("AWSCURRENT");

      HttpResponse<String> put =
          call(server, "PutSecretValue", "{\"SecretId\":\"" + ARN + "\",\"SecretString\":\"2nd\"}");
      JsonNode putAnswer = LocalHttpService.JSON.readTree(put.body());
      assertThat(put.statusCode()).isEqualTo(200);
      assertThat(putAnswer.path("ARN").asText()).isEqualTo(ARN);
      assertThat(putAnswer.path("Name").asText()).isEqualTo("Key");
      assertThat(putAnswer.path("VersionId").asText()).startsWith("local-");
      assertThat(putAnswer.has("SecretString")).isFalse();

      JsonNode again =
          LocalHttpService.JSON.readTree(
              call(server, "GetSecretValue", "{\"SecretId\":\"" + ARN + "\"}").body());
      assertThat(again.path("SecretString").asText()).isEqualTo("2nd");
    }
  }

  @Test
  void answersMissingSecretsAndValuesAndUnknownActionsAsAwsErrors() throws Exception {
    try (SecretsManagerServer server = new SecretsManagerServer()) {
      server.create("Empty", ARN, null);

      HttpResponse<String> noSecret = call(server, "GetSecretValue", "{\"SecretId\":\"Other\"}");
      assertThat(noSecret.statusCode()).isEqualTo(400);
      assertThat(LocalHttpService.JSON.readTree(noSecret.body()).path("__type").asText())
          .isEqualTo("ResourceNotFoundException");

      HttpResponse<String> noValue = call(server, "GetSecretValue", "{\"SecretId\":\"Empty\"}");
      assertThat(noValue.statusCode()).isEqualTo(400);
      assertThat(LocalHttpService.JSON.readTree(noValue.body()).path("message").asText())
          .contains("staging label: AWSCURRENT");

      HttpResponse<String> unknown = call(server, "DeleteSecret", "{\"SecretId\":\"Empty\"}");
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(LocalHttpService.JSON.readTree(unknown.body()).path("__type").asText())
          .isEqualTo("InvalidAction");
    }
  }
}
