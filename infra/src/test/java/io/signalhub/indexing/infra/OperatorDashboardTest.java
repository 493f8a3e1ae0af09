package io.signalhub.indexing.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/** The operator's dashboard and the status page's route, asserted on the synthesized template. */
class OperatorDashboardTest {

  private static Template template;
  private static String body;

  @BeforeAll
  static void synthesize() throws Exception {
    template =
        new StackSynth()
            .template(
                Map.of(
                    "provider",
                    "openai",
                    "tokensPerMinute",
                    "1000000",
                    "requestsPerMinute",
                    "3000"));
    Map<String, Map<String, Object>> dashboards =
        template.findResources("AWS::CloudWatch::Dashboard");
    assertThat(dashboards).hasSize(1);
    // The body is a Fn::Join of JSON text and function/queue references: its text is what we read.
    body =
        new ObjectMapper()
            .writeValueAsString(dashboards.values().iterator().next().get("Properties"));
  }

  @Test
  void theDashboardShowsThroughputTokensAgainstTheQuotaAnd429s() {
    assertThat(body)
        .contains("\\\"SignalHub\\\"")
        .contains("ChunksEmbedded")
        .contains("ChunksCached")
        .contains("ChunksFailed")
        .contains("Tokens/min against the quota")
        .contains("\\\"value\\\":1000000")
        .contains("tokens/min quota (1000000)")
        .contains("requests/min quota (3000)")
        .contains("Throttles429")
        .contains("Retries")
        .contains("BatchLatency");
  }

  @Test
  void theDashboardShowsTheQueuesAndTheFunctionsHealth() {
    assertThat(body)
        .contains("ApproximateNumberOfMessagesVisible")
        .contains("ApproximateAgeOfOldestMessage")
        .contains("\\\"Errors\\\"")
        .contains("\\\"Throttles\\\"")
        .contains("ColdStart");
    // every EMF metric is keyed by the function's name, the dimension the functions write
    assertThat(body).contains("\\\"function\\\"");
    // every function's cold starts, the status API's included (it counts them per request)
    assertThat(body.split("ColdStart", -1)).hasSize(6);
    assertThat(body.substring(body.indexOf("Cold starts"))).contains("Status");
  }

  @Test
  void theStatusPageIsRoutedAtTheRootBehindIam() {
    template.hasResourceProperties(
        "AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /", "AuthorizationType", "AWS_IAM"));
  }
}
