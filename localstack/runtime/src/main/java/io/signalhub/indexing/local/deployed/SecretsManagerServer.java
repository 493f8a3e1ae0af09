package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets Manager's {@code GetSecretValue} and {@code PutSecretValue} (JSON 1.1, {@code
 * X-Amz-Target: secretsmanager.*}) over the template's secrets: enough for a function that reads
 * its key at start, and for {@code aws secretsmanager put-secret-value} against the local stack.
 */
final class SecretsManagerServer extends LocalHttpService {

  private static final String JSON_11 = "application/x-amz-json-1.1";

  /** A secret: its name and ARN, and its value once one is put. */
  record Secret(String name, String arn, String value) {}

  private final Map<String, Secret> byArn = new ConcurrentHashMap<>();

  SecretsManagerServer() throws IOException {
    super();
  }

  /**
   * Creates the template's secrets under their local names, each with the first of {@code values}
   * whose key starts its logical id (CDK appends a hash), or no value.
   */
  void createAll(CfnTemplate template, Map<String, String> values) {
    for (String id : template.ofType("AWS::SecretsManager::Secret")) {
      String value =
          values.entrySet().stream()
              .filter(e -> id.startsWith(e.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse(null);
      create(template.physicalName(id), template.arnOf(id), value);
    }
  }

  void create(String name, String arn, String value) {
    byArn.put(arn, new Secret(name, arn, value));
  }

  /** The ARN of the secret {@code id} names (by name or ARN); {@code id} itself if none does. */
  String arnOf(String id) {
    Secret secret = find(id);
    return secret == null ? id : secret.arn();
  }

  private Secret find(String id) {
    return byArn.values().stream()
        .filter(s -> s.arn().equals(id) || s.name().equals(id))
        .findFirst()
        .orElse(null);
  }

  @Override
  void handle(HttpExchange exchange, byte[] body) throws IOException {
    String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
    JsonNode request = JSON.readTree(body.length == 0 ? "{}".getBytes() : body);
    Secret secret = find(request.path("SecretId").asText());
    if (secret == null) {
      error(
          exchange,
          "ResourceNotFoundException",
          "Secrets Manager can't find the specified secret.");
      return;
    }
    switch (target) {
      case "secretsmanager.GetSecretValue" -> {
        if (secret.value() == null) {
          error(
              exchange,
              "ResourceNotFoundException",
              "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT");
          return;
        }
        reply(
            exchange,
            200,
            identify(secret)
                .put("SecretString", secret.value())
                .put("VersionId", "local-1")
                .put("CreatedDate", 1.7e9)
                .set("VersionStages", JSON.createArrayNode().add("AWSCURRENT")));
      }
      case "secretsmanager.PutSecretValue" -> {
        byArn.put(
            secret.arn(),
            new Secret(secret.name(), secret.arn(), request.path("SecretString").asText()));
        reply(exchange, 200, identify(secret).put("VersionId", "local-" + System.nanoTime()));
      }
      default -> error(exchange, "InvalidAction", "The local stack does not serve " + target);
    }
  }

  /** The fields every answer about a secret starts with: its ARN and name. */
  private static ObjectNode identify(Secret secret) {
    return JSON.createObjectNode().put("ARN", secret.arn()).put("Name", secret.name());
  }

  private static void error(HttpExchange exchange, String type, String message) throws IOException {
    reply(exchange, 400, JSON.createObjectNode().put("__type", type).put("message", message));
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    respond(exchange, status, JSON_11, JSON.writeValueAsBytes(body));
  }
}
