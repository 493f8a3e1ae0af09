package io.signalhub.indexing.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Objects of an S3-compatible server the simulator reads and writes as Bedrock does (the test
 * stack's s3proxy, which accepts unsigned path-style requests): {@code GET} and {@code PUT
 * /<bucket>/<key>}. Plain HTTP keeps the AWS SDK out of the simulator.
 */
final class S3Objects {

  private final URI endpoint;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  S3Objects(URI endpoint) {
    String text = endpoint.toString();
    this.endpoint = URI.create(text.endsWith("/") ? text : text + "/");
  }

  /** The object at an {@code s3://bucket/key} URI, or null if there is none. */
  byte[] get(String s3Uri) throws IOException {
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(url(s3Uri)).GET());
    if (response.statusCode() == 404) {
      return null;
    }
    check(response, s3Uri);
    return response.body();
  }

  void put(String s3Uri, byte[] body) throws IOException {
    check(
        send(HttpRequest.newBuilder(url(s3Uri)).PUT(HttpRequest.BodyPublishers.ofByteArray(body))),
        s3Uri);
  }

  private URI url(String s3Uri) {
    if (!s3Uri.startsWith("s3://")) {
      throw new IllegalArgumentException("not an s3:// URI: " + s3Uri);
    }
    String path =
        Arrays.stream(s3Uri.substring(5).split("/", -1))
            .map(part -> URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"))
            .collect(Collectors.joining("/"));
    return endpoint.resolve(path);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void check(HttpResponse<byte[]> response, String s3Uri) throws IOException {
    if (response.statusCode() / 100 != 2) {
      throw new IOException("S3 answered " + response.statusCode() + " for " + s3Uri);
    }
  }
}
