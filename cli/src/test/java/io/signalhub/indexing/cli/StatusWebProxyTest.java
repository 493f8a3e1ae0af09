package io.signalhub.indexing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

class StatusWebProxyTest {

  private final Map<String, String> seen = new ConcurrentHashMap<>();
  private HttpServer api;
  private final HttpClient browser = HttpClient.newHttpClient();

  /** A stand-in for API Gateway: records what arrives, answers by Accept like the real API. */
  @BeforeEach
  void startApi() throws Exception {
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
    api.createContext(
        "/",
        exchange -> {
          seen.put("path", exchange.getRequestURI().toString());
          exchange.getRequestHeaders().forEach((name, values) -> seen.put(name, values.get(0)));
          boolean html =
              String.valueOf(exchange.getRequestHeaders().getFirst("Accept")).contains("html");
          byte[] body =
              (html ? "<!doctype html><p>page</p>" : "{\"jobId\":\"j\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .add("Content-Type", html ? "text/html; charset=utf-8" : "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    api.start();
  }

  @AfterEach
  void stopApi() {
    api.stop(0);
  }

  /** Real SigV4 headers for the URI, with fixed test credentials (no account needed). */
  private static Map<String, List<String>> sigV4(URI uri) {
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"))
                    .request(SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.GET).build())
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1"))
        .request()
        .headers();
  }

  @Test
  void aBrowsersRequestReachesTheApiSignedWithItsAcceptHeaderAndTheAnswerComesBack()
      throws Exception {
    URI base = URI.create("http://127.0.0.1:" + api.getAddress().getPort());
    try (StatusWebProxy proxy = new StatusWebProxy(base, 0, StatusWebProxyTest::sigV4)) {
      assertThat(proxy.url().getHost()).isEqualTo("127.0.0.1");

      HttpResponse<String> page =
          browser.send(
              HttpRequest.newBuilder(URI.create(proxy.url() + "/jobs/j?x=1"))
                  .header("Accept", "text/html,*/*;q=0.8")
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.body()).contains("<p>page</p>");
      assertThat(seen.get("path")).isEqualTo("/jobs/j?x=1");
      assertThat(seen.get("Accept")).isEqualTo("text/html,*/*;q=0.8");
      assertThat(seen.get("Authorization"))
          .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
          .contains("/us-east-1/execute-api/aws4_request");
      assertThat(seen).containsKey("X-amz-date");

      HttpResponse<String> json =
          browser.send(
              HttpRequest.newBuilder(URI.create(proxy.url() + "/jobs/j")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(json.body()).isEqualTo("{\"jobId\":\"j\"}");

      HttpResponse<String> post =
          browser.send(
              HttpRequest.newBuilder(URI.create(proxy.url() + "/jobs/j"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void anUnreachableApiIsABadGatewayThatSaysWhere() throws Exception {
    URI base = URI.create("http://127.0.0.1:" + api.getAddress().getPort());
    api.stop(0);
    try (StatusWebProxy proxy = new StatusWebProxy(base, 0, uri -> Map.of())) {
      HttpResponse<String> page =
          browser.send(
              HttpRequest.newBuilder(URI.create(proxy.url() + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(502);
      assertThat(page.body()).contains(base.toString()).contains("did not answer");
    }
  }

  @Test
  void onlyApiGatewayHostsAreSigned() {
    assertThat(StatusClient.signed(URI.create("https://abc.execute-api.eu-west-1.amazonaws.com")))
        .isTrue();
    assertThat(StatusClient.signed(URI.create("http://127.0.0.1:4580"))).isFalse();
  }
}
