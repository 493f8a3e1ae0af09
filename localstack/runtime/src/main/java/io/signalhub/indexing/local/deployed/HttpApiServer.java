package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template's HTTP API on localhost: each request that matches a route ({@code GET /jobs/{id}})
 * becomes an API Gateway payload 2.0 event for the route's function, and the function's answer
 * becomes the HTTP response. Routes' IAM authorization is not checked locally.
 */
final class HttpApiServer extends LocalHttpService {

  /** A route: {@code GET /jobs/{id}} to a function. */
  record Route(String method, String pathTemplate, LambdaFunction function) {
    Pattern pattern() {
      return Pattern.compile(pathTemplate.replaceAll("\\{[^}/]+}", "([^/]+)"));
    }

    List<String> parameterNames() {
      List<String> names = new ArrayList<>();
      Matcher m = Pattern.compile("\\{([^}/]+)}").matcher(pathTemplate);
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    }
  }

  private final List<Route> routes;

  HttpApiServer(List<Route> routes, int port) throws IOException {
    super(port);
    this.routes = List.copyOf(routes);
  }

  @Override
  void handle(HttpExchange exchange, byte[] body) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    for (Route route : routes) {
      Matcher matcher = route.pattern().matcher(path);
      if (route.method().equals(exchange.getRequestMethod()) && matcher.matches()) {
        forward(exchange, body, route, matcher);
        return;
      }
    }
    respond(exchange, 404, "application/json", "{\"message\":\"Not Found\"}".getBytes());
  }

  private void forward(HttpExchange exchange, byte[] body, Route route, Matcher matcher)
      throws IOException {
    String query = exchange.getRequestURI().getRawQuery();
    ObjectNode event = JSON.createObjectNode();
    String routeKey = route.method() + " " + route.pathTemplate();
    event
        .put("version", "2.0")
        .put("routeKey", routeKey)
        .put("rawPath", exchange.getRequestURI().getRawPath());
    event.put("rawQueryString", query == null ? "" : query);
    ObjectNode headers = event.putObject("headers");
    exchange
        .getRequestHeaders()
        .forEach((name, values) -> headers.put(name.toLowerCase(), String.join(",", values)));
    if (query != null && !query.isEmpty()) {
      ObjectNode parameters = event.putObject("queryStringParameters");
      for (String pair : query.split("&")) {
        String[] kv = pair.split("=", 2);
        parameters.put(
            java.net.URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? java.net.URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    List<String> names = route.parameterNames();
    if (!names.isEmpty()) {
      ObjectNode parameters = event.putObject("pathParameters");
      for (int i = 0; i < names.size(); i++) {
        parameters.put(
            names.get(i), java.net.URLDecoder.decode(matcher.group(i + 1), StandardCharsets.UTF_8));
      }
    }
    ObjectNode context = event.putObject("requestContext");
    context
        .put("accountId", CfnTemplate.ACCOUNT)
        .put("apiId", "local")
        .put("domainName", "localhost");
    context
        .put("requestId", UUID.randomUUID().toString())
        .put("routeKey", routeKey)
        .put("stage", "$default");
    context.put("timeEpoch", System.currentTimeMillis());
    context
        .putObject("http")
        .put("method", route.method())
        .put("path", exchange.getRequestURI().getRawPath())
        .put("protocol", "HTTP/1.1")
        .put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress())
        .put("userAgent", String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
    if (body.length > 0) {
      event.put("body", Base64.getEncoder().encodeToString(body)).put("isBase64Encoded", true);
    } else {
      event.put("isBase64Encoded", false);
    }
    ExecutionEnvironment.Outcome outcome;
    try {
      outcome = route.function().invoke(JSON.writeValueAsBytes(event));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      respond(exchange, 503, "application/json", "{\"message\":\"Stopping\"}".getBytes());
      return;
    }
    if (!outcome.ok()) {
      // API Gateway answers 500 when the integration fails
      respond(
          exchange, 500, "application/json", "{\"message\":\"Internal Server Error\"}".getBytes());
      return;
    }
    JsonNode response = JSON.readTree(outcome.body());
    response
        .path("headers")
        .fields()
        .forEachRemaining(
            h -> exchange.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
    String text = response.path("body").asText("");
    byte[] bytes =
        response.path("isBase64Encoded").asBoolean(false)
            ? Base64.getDecoder().decode(text)
            : text.getBytes(StandardCharsets.UTF_8);
    String type = exchange.getResponseHeaders().getFirst("Content-Type");
    respond(
        exchange,
        response.path("statusCode").asInt(200),
        type == null ? "application/json" : type,
        bytes);
  }
}
