package io.signalhub.indexing.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/** What each command's {@code --json} prints: one JSON document on one line, nulls left out. */
final class Json {

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /** Decimals kept per field by {@link #writeRounded}; any other fractional number keeps 1. */
  private static final Map<String, Integer> DECIMALS = Map.of("estimatedCostUsd", 4);

  private static final int DEFAULT_DECIMALS = 1;

  private Json() {}

  static String write(Object value) {
    return write(MAPPER.valueToTree(value), value);
  }

  /**
   * A job's summary or status ({@code index --json}, {@code status --json}) with its measurements
   * rounded as the text shows them: seconds, rates and percentages to 0.1 ({@code "elapsedSeconds":
   * 9.1}, not {@code 9.071629189}), the cost in dollars to 4 decimals.
   */
  static String writeRounded(Object summary) {
    JsonNode tree = MAPPER.valueToTree(summary);
    round(tree);
    return write(tree, summary);
  }

  private static String write(JsonNode tree, Object value) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** Rounds every fractional number in {@code node}, nested ones (history, ...) too. */
  private static void round(JsonNode node) {
    if (node instanceof ObjectNode object) {
      object
          .properties()
          .forEach(
              field -> {
                if (field.getValue().isFloatingPointNumber()) {
                  field.setValue(
                      rounded(
                          field.getValue().doubleValue(),
                          DECIMALS.getOrDefault(field.getKey(), DEFAULT_DECIMALS)));
                } else {
                  round(field.getValue());
                }
              });
    } else {
      node.forEach(Json::round);
    }
  }

  /** A decimal, so a small cost reads 0.0001 rather than 1.0E-4. */
  private static DecimalNode rounded(double value, int decimals) {
    return DecimalNode.valueOf(BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP));
  }
}
