package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.text;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cursor of a page of jobs as the user sees it: a query's last evaluated key (text attributes
 * only), as URL-safe Base64 JSON.
 */
final class PageCursor {
  private PageCursor() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static String encode(Map<String, AttributeValue> key) {
    Map<String, String> plain = new HashMap<>();
    key.forEach((name, value) -> plain.put(name, value.s()));
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(plain));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Map<String, AttributeValue> decode(String cursor) {
    try {
      Map<String, String> plain =
          JSON.readValue(
              new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8),
              new TypeReference<Map<String, String>>() {});
      Map<String, AttributeValue> key = new HashMap<>();
      plain.forEach((name, value) -> key.put(name, text(value)));
      return key;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Malformed page cursor", e);
    }
  }
}
