package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/embeddings} as OpenAI answers it: the model, the per-request limits (inputs,
 * tokens per input, tokens per request), the requests/min and tokens/min budgets answered with 429
 * and the headers OpenAI sends ({@code Retry-After}, {@code retry-after-ms}, {@code
 * x-ratelimit-*}), a request larger than the whole quota refused in the shape {@link
 * SimulatorSettings#tooLarge} names, the configured latency, and the vectors.
 */
final class EmbeddingsEndpoint {

  private static final Encoding CL100K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

  private static final Pattern SPECIAL_TOKEN =
      Pattern.compile("<\\|(endoftext|fim_prefix|fim_middle|fim_suffix|endofprompt)\\|>");

  private final Simulation simulation;
  private final SimulatorSettings settings;
  private final SimulatorStats stats;
  private final SlidingBudget requestBudget;
  private final SlidingBudget tokenBudget;

  EmbeddingsEndpoint(Simulation simulation) {
    this.simulation = simulation;
    settings = simulation.settings();
    stats = simulation.stats();
    requestBudget = new SlidingBudget(settings.requestsPerMinute());
    tokenBudget = new SlidingBudget(settings.tokensPerMinute());
  }

  /** Whether the text holds a cl100k special token, which OpenAI's endpoint answers with a 500. */
  static boolean quotesSpecialToken(String text) {
    return SPECIAL_TOKEN.matcher(text).find();
  }

  /** OpenAI's error body for a request this endpoint refuses. */
  static Reply error(int status, String message, String code, Map<String, String> headers) {
    return Reply.error(
        status, message, status == 429 ? "requests" : "invalid_request_error", code, headers);
  }

  private static Reply invalid(String message, String code) {
    return error(400, message, code, Map.of());
  }

  /**
   * Serves one request.
   *
   * @param arrived simulated time the request arrived: the quota is charged as of then
   */
  Reply serve(JsonNode request, long arrived) {
    String model = request.path("model").asText("");
    if (!settings.models().contains(model)) {
      return error(
          404,
          "The model `" + model + "` does not exist or you do not have access to it.",
          "model_not_found",
          Map.of());
    }
    List<String> inputs = new ArrayList<>();
    JsonNode input = request.path("input");
    if (input.isTextual()) {
      inputs.add(input.asText());
    } else {
      input.forEach(node -> inputs.add(node.asText()));
    }
    if (settings.logInputs()) {
      stats.received(inputs);
    }
    if (inputs.isEmpty() || inputs.size() > settings.maxInputsPerRequest()) {
      return invalid(
          "'input' must hold between 1 and " + settings.maxInputsPerRequest() + " items",
          "invalid_request_error");
    }
    int requestTokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).isEmpty() || settings.rejectInput().test(inputs.get(i))) {
        return invalid("Invalid input at index " + i, "invalid_request_error");
      }
      if (quotesSpecialToken(inputs.get(i))) {
        // What OpenAI's endpoint does with a special token in the text (reported 2026-03).
        return Reply.error(
            500,
            "The server had an error while processing your request. Sorry about that!",
            "server_error",
            null,
            Map.of());
      }
      int tokens = CL100K.countTokens(inputs.get(i));
      if (tokens > settings.maxTokensPerInput()) {
        return invalid(
            "This model's maximum context length is "
                + settings.maxTokensPerInput()
                + " tokens, however you requested "
                + tokens
                + " tokens in your prompt.",
            "invalid_request_error");
      }
      requestTokens += tokens;
    }
    if (requestTokens > settings.maxTokensPerRequest()) {
      return invalid(
          "Requested "
              + requestTokens
              + " tokens, max "
              + settings.maxTokensPerRequest()
              + " tokens per request",
          "max_tokens_per_request");
    }
    if (!tokenBudget.fits(requestTokens)) {
      return refuseTooLarge(model, requestTokens);
    }
    Reply throttled = charge(arrived, requestTokens);
    if (throttled != null) {
      return throttled;
    }
    sleepFor(
        settings.fixedLatencyMillis()
            + settings.latencyMillisPerThousandTokens() * requestTokens / 1000);
    Reply served =
        Reply.json(
            200,
            response(
                model,
                inputs,
                request.path("dimensions").asInt(settings.dimensions()),
                requestTokens),
            rateHeaders(simulation.now()));
    stats.served.incrementAndGet();
    stats.inputs.addAndGet(inputs.size());
    stats.tokens.addAndGet(requestTokens);
    stats.servedAt(System.nanoTime(), requestTokens);
    return served;
  }

  /** Takes the request from both budgets, or answers the 429 OpenAI sends when one is spent. */
  private Reply charge(long at, int requestTokens) {
    long waitNanos;
    synchronized (this) {
      waitNanos =
          Math.max(requestBudget.waitNanos(at, 1), tokenBudget.waitNanos(at, requestTokens));
      if (waitNanos == 0) {
        requestBudget.take(at, 1);
        tokenBudget.take(at, requestTokens);
        return null;
      }
    }
    stats.throttled.incrementAndGet();
    long waitMillis = Math.max(1, waitNanos / 1_000_000); // simulated milliseconds
    Map<String, String> headers = new HashMap<>(rateHeaders(at));
    headers.put("Retry-After", Long.toString((waitMillis + 999) / 1000));
    headers.put("retry-after-ms", Long.toString(waitMillis));
    return error(
        429,
        "Rate limit reached for requests or tokens per min. Please try again in "
            + waitMillis
            + "ms.",
        "rate_limit_exceeded",
        headers);
  }

  private ObjectNode response(
      String model, List<String> inputs, int dimensions, int requestTokens) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      order.add(i);
    }
    if (settings.shuffleResponseOrder()) {
      Collections.shuffle(order, new Random(requestTokens));
    }
    ObjectNode response =
        JsonNodeFactory.instance.objectNode().put("object", "list").put("model", model);
    ArrayNode data = response.putArray("data");
    for (int index : order) {
      ObjectNode item = data.addObject().put("object", "embedding").put("index", index);
      ArrayNode vector = item.putArray("embedding");
      for (float value : SimulatedEmbeddingServer.vectorFor(inputs.get(index), dimensions)) {
        vector.add(value);
      }
    }
    response
        .putObject("usage")
        .put("prompt_tokens", requestTokens)
        .put("total_tokens", requestTokens);
    return response;
  }

  private Reply refuseTooLarge(String model, long requestTokens) {
    stats.tooLarge.incrementAndGet();
    long quota = tokenBudget.capacity();
    return switch (settings.tooLarge()) {
      case OPENAI_429 -> {
        stats.throttled.incrementAndGet();
        yield error(
            429,
            "Request too large for "
                + model
                + " in organization org-simulated on tokens per min (TPM): Limit "
                + quota
                + ", Requested "
                + requestTokens
                + ". The input or output tokens must be reduced in order to run successfully."
                + " Visit https://platform.openai.com/account/rate-limits to learn more.",
            "rate_limit_exceeded",
            rateHeaders(simulation.now()));
      }
      case AZURE_413 ->
          error(
              413,
              "Request body too large for "
                  + model
                  + " model. This model has a maximum input token limit per request. Max size: "
                  + quota
                  + " tokens.",
              "tokens_limits_reached",
              rateHeaders(simulation.now()));
      case BARE_413 -> new Reply(413, "Request Entity Too Large".getBytes(), Map.of());
    };
  }

  /** The {@code x-ratelimit-*} headers as of simulated time {@code at}. */
  synchronized Map<String, String> rateHeaders(long at) {
    if (settings.azure()) {
      // Azure OpenAI reports what remains, not the limits
      return Map.of(
          "x-ratelimit-remaining-requests", Long.toString(requestBudget.remaining(at)),
          "x-ratelimit-remaining-tokens", Long.toString(tokenBudget.remaining(at)));
    }
    return Map.of(
        "x-ratelimit-limit-requests", Long.toString(settings.requestsPerMinute()),
        "x-ratelimit-remaining-requests", Long.toString(requestBudget.remaining(at)),
        "x-ratelimit-reset-requests", requestBudget.resetText(at),
        "x-ratelimit-limit-tokens", Long.toString(settings.tokensPerMinute()),
        "x-ratelimit-remaining-tokens", Long.toString(tokenBudget.remaining(at)),
        "x-ratelimit-reset-tokens", tokenBudget.resetText(at));
  }

  private static void sleepFor(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis); // simulated network and model latency
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
