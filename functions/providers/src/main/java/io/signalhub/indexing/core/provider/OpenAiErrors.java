package io.signalhub.indexing.core.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider.ConfigurationHint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an OpenAI-compatible endpoint's error answer means for the caller: retry (429, 408, 409,
 * 5xx, honouring {@code Retry-After}), give up (credentials, unknown model), split the batch
 * (rejected input), or cut requests smaller (too large), with a message that says what to fix.
 */
record OpenAiErrors(URI endpoint, String model, ConfigurationHint configurationHint, Clock clock) {
  private static final Pattern OPENAI_TOO_LARGE = Pattern.compile("Limit (\\d+), Requested (\\d+)");
  private static final Pattern AZURE_MAX_SIZE = Pattern.compile("Max size: (\\d+)");

  /** The failure an answer other than 200 means. */
  EmbeddingException classify(int status, byte[] body, HttpHeaders headers) {
    String detail = errorMessage(body);
    QuotaSnapshot quota = RateLimitHeaders.quota(headers::firstValue);
    EmbeddingException tooLarge = tooLarge(status, errorCode(body), detail, quota);
    if (tooLarge != null) {
      return tooLarge;
    }
    if (status == 429 || status == 408 || status == 409 || status >= 500) {
      Duration retryAfter = RateLimitHeaders.retryAfter(headers::firstValue, clock).orElse(null);
      return new EmbeddingException(
          EmbeddingException.Kind.RETRYABLE,
          status,
          "Provider answered " + status + ": " + detail,
          retryAfter,
          quota,
          null);
    }
    if (status == 401 || status == 403) {
      return answered(
          EmbeddingException.Kind.FATAL,
          status,
          "Provider rejected the credentials ("
              + status
              + "): "
              + detail
              + ". "
              + configurationHint.credentials()
              + " for "
              + endpoint,
          quota);
    }
    if (status == 404) {
      return answered(
          EmbeddingException.Kind.FATAL,
          status,
          "Provider does not know model '"
              + model
              + "' at "
              + endpoint
              + " (404): "
              + detail
              + ". "
              + configurationHint.model(),
          quota);
    }
    if (status == 400 || status == 422) {
      return answered(
          EmbeddingException.Kind.INPUT_REJECTED,
          status,
          "Provider rejected the input (" + status + "): " + detail,
          quota);
    }
    return answered(
        EmbeddingException.Kind.FATAL,
        status,
        "Provider answered " + status + ": " + detail,
        quota);
  }

  /** A failure the provider answered with no pause to honour. */
  private static EmbeddingException answered(
      EmbeddingException.Kind kind, int status, String message, QuotaSnapshot quota) {
    return new EmbeddingException(kind, status, message, null, quota, null);
  }

  /**
   * A request larger than the provider ever accepts, in the shapes providers send: OpenAI's 429
   * "Request too large for … on tokens per min (TPM): Limit 40000, Requested 51234", Azure OpenAI's
   * 413 {@code tokens_limits_reached} "… Max size: 64000 tokens", or a bare 413. Null for anything
   * else.
   */
  static EmbeddingException tooLarge(int status, String code, String detail, QuotaSnapshot quota) {
    if (status == 429 && detail.contains("Request too large")) {
      Matcher numbers = OPENAI_TOO_LARGE.matcher(detail);
      boolean found = numbers.find();
      return EmbeddingException.tooLarge(
          status,
          "Provider refused a request larger than its whole quota (429): " + detail,
          found ? Long.parseLong(numbers.group(1)) : -1,
          found ? Long.parseLong(numbers.group(2)) : -1,
          quota);
    }
    if (status == 413) {
      Matcher max = AZURE_MAX_SIZE.matcher(detail);
      return EmbeddingException.tooLarge(
          status,
          "Provider refused a request as too large (413"
              + (code.isEmpty() ? "" : " " + code)
              + "): "
              + detail,
          max.find() ? Long.parseLong(max.group(1)) : -1,
          -1,
          quota);
    }
    return null;
  }

  private static String errorCode(byte[] body) {
    try {
      return OpenAiJson.JSON.readTree(body).path("error").path("code").asText("");
    } catch (IOException notJson) {
      return "";
    }
  }

  private static String errorMessage(byte[] body) {
    try {
      JsonNode message = OpenAiJson.JSON.readTree(body).path("error").path("message");
      if (message.isTextual()) {
        return message.asText();
      }
    } catch (IOException notJson) {
      // fall through to the raw body
    }
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
