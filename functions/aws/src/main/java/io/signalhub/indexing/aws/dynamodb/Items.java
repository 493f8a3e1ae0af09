package io.signalhub.indexing.aws.dynamodb;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Conversions between item attributes and Java values. */
final class Items {
  private Items() {}

  /** The time-to-live attribute of every table: epoch seconds after which DynamoDB deletes it. */
  static final String EXPIRES_AT = "expiresAt";

  static AttributeValue text(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue number(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static AttributeValue bool(boolean value) {
    return AttributeValue.fromBool(value);
  }

  /**
   * Nine fraction digits always: {@code Instant.toString} drops trailing zeros, and "00:00:00.500Z"
   * sorts before "00:00:00Z" as text, which a sort key (the jobs index's {@code createdAt}) must
   * not.
   */
  private static final DateTimeFormatter SORTABLE =
      new DateTimeFormatterBuilder().appendInstant(9).toFormatter();

  static AttributeValue time(Instant value) {
    return AttributeValue.fromS(SORTABLE.format(value));
  }

  static String text(Map<String, AttributeValue> item, String name, String fallback) {
    AttributeValue value = item.get(name);
    return value == null || value.s() == null ? fallback : value.s();
  }

  static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
  }

  static boolean bool(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value != null && Boolean.TRUE.equals(value.bool());
  }

  static Instant time(Map<String, AttributeValue> item, String name) {
    String text = text(item, name, null);
    return text == null ? null : Instant.parse(text);
  }
}
