package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.pipeline.JobView;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Reads the status API. Requests to a deployed API Gateway (IAM-authorized) are signed with SigV4
 * using the default AWS credentials; local ones are plain.
 */
final class StatusClient {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final URI base;
  private final Optional<String> region;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  StatusClient(URI base) {
    this(base, Optional.empty());
  }

  /**
   * @param region the region requests to a deployed API are signed for ({@code AWS_REGION}); empty:
   *     the one in the API's host name
   */
  StatusClient(URI base, Optional<String> region) {
    this.region = region;
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
  }

  URI base() {
    return base;
  }

  /** Whether requests to {@code uri} must be signed: a deployed API Gateway. */
  static boolean signed(URI uri) {
    return uri.getHost() != null && uri.getHost().endsWith(".amazonaws.com");
  }

  Optional<JobView> job(String jobId) throws IOException {
    HttpResponse<String> response = get("/jobs/" + jobId);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "Status API answered " + response.statusCode() + ": " + response.body());
    }
    return Optional.of(JSON.readValue(response.body(), JobView.class));
  }

  JsonNode list(int limit) throws IOException {
    HttpResponse<String> response = get("/jobs?limit=" + limit);
    if (response.statusCode() != 200) {
      throw new IOException(
          "Status API answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private HttpResponse<String> get(String path) throws IOException {
    URI uri = URI.create(base + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    if (signed(uri)) {
      sign(uri)
          .forEach(
              (name, values) ->
                  values.forEach(
                      value -> {
                        if (!name.equalsIgnoreCase("host")) {
                          request.header(name, value);
                        }
                      }));
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    }
  }

  /**
   * SigV4 for execute-api
   * (docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html).
   */
  java.util.Map<String, java.util.List<String>> sign(URI uri) {
    return sign(uri, region);
  }

  static java.util.Map<String, java.util.List<String>> sign(URI uri, Optional<String> region) {
    String signingRegion = region.orElse(uri.getHost().split("\\.")[2]);
    SignedRequest signed =
        AwsV4HttpSigner.create()
            .sign(
                r ->
                    r.identity(DefaultCredentialsProvider.builder().build().resolveCredentials())
                        .request(
                            SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.GET).build())
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion));
    return signed.request().headers();
  }
}
