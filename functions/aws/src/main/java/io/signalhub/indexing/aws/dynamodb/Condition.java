package io.signalhub.indexing.aws.dynamodb;

import java.util.Arrays;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A condition on an item's attributes, built from typed parts instead of concatenated text. It is
 * rendered into the expression of an {@link Update}, which aliases every name and value
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html).
 */
@FunctionalInterface
interface Condition {

  /** The condition's text, with names and values aliased in {@code aliases}. */
  String render(Update aliases);

  static Condition exists(String attribute) {
    return u -> "attribute_exists(" + u.name(attribute) + ")";
  }

  static Condition notExists(String attribute) {
    return u -> "attribute_not_exists(" + u.name(attribute) + ")";
  }

  static Condition equalTo(String attribute, AttributeValue value) {
    return compare(attribute, "=", value);
  }

  static Condition lessThan(String attribute, AttributeValue value) {
    return compare(attribute, "<", value);
  }

  static Condition atMost(String attribute, AttributeValue value) {
    return compare(attribute, "<=", value);
  }

  static Condition greaterThan(String attribute, AttributeValue value) {
    return compare(attribute, ">", value);
  }

  static Condition in(String attribute, AttributeValue... values) {
    return u ->
        u.name(attribute)
            + " IN ("
            + Arrays.stream(values).map(u::value).collect(Collectors.joining(", "))
            + ")";
  }

  /** True if any of {@code conditions} is (in parentheses, as OR binds looser than AND). */
  static Condition anyOf(Condition... conditions) {
    return u ->
        Arrays.stream(conditions)
            .map(c -> c.render(u))
            .collect(Collectors.joining(" OR ", "(", ")"));
  }

  static Condition not(Condition condition) {
    return u -> "NOT " + condition.render(u);
  }

  default Condition and(Condition other) {
    return u -> render(u) + " AND " + other.render(u);
  }

  private static Condition compare(String attribute, String operator, AttributeValue value) {
    return u -> u.name(attribute) + " " + operator + " " + u.value(value);
  }
}
