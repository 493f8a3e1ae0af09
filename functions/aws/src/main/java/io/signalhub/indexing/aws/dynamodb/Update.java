package io.signalhub.indexing.aws.dynamodb;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Builds an update expression, and its {@link Condition}, with every attribute name aliased:
 * DynamoDB reserves words such as {@code status} and {@code total}
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html).
 */
final class Update {
  private final List<String> sets = new ArrayList<>();
  private final List<String> adds = new ArrayList<>();
  private final List<String> removes = new ArrayList<>();
  private final Map<String, String> names = new HashMap<>();
  private final Map<String, AttributeValue> values = new HashMap<>();
  private String condition;
  private int counter;

  Update set(String attribute, AttributeValue value) {
    sets.add(name(attribute) + " = " + value(value));
    return this;
  }

  /** Sets an attribute unless the item has it already (a first write that later ones keep). */
  Update setIfAbsent(String attribute, AttributeValue value) {
    String alias = name(attribute);
    sets.add(alias + " = if_not_exists(" + alias + ", " + value(value) + ")");
    return this;
  }

  /** Sets an attribute to another attribute's current value. */
  Update setFrom(String attribute, String source) {
    sets.add(name(attribute) + " = " + name(source));
    return this;
  }

  Update add(String attribute, long amount) {
    if (amount != 0) {
      adds.add(name(attribute) + " " + value(Items.number(amount)));
    }
    return this;
  }

  Update remove(String attribute) {
    removes.add(name(attribute));
    return this;
  }

  /** The condition the item must meet for the update to apply. */
  Update condition(Condition condition) {
    this.condition = condition.render(this);
    return this;
  }

  /** The alias of an attribute path ("a.b" aliases each part). */
  String name(String attribute) {
    StringBuilder alias = new StringBuilder();
    for (String part : attribute.split("\\.")) {
      String key = "#" + part.replaceAll("[^A-Za-z0-9_]", "_");
      names.put(key, part);
      alias.append(alias.length() == 0 ? "" : ".").append(key);
    }
    return alias.toString();
  }

  String value(AttributeValue value) {
    String key = ":v" + counter++;
    values.put(key, value);
    return key;
  }

  String expression() {
    StringBuilder text = new StringBuilder();
    if (!sets.isEmpty()) {
      text.append("SET ").append(String.join(", ", sets));
    }
    if (!adds.isEmpty()) {
      text.append(text.length() > 0 ? " " : "").append("ADD ").append(String.join(", ", adds));
    }
    if (!removes.isEmpty()) {
      text.append(text.length() > 0 ? " " : "")
          .append("REMOVE ")
          .append(String.join(", ", removes));
    }
    return text.toString();
  }

  /** This update of the item at {@code key}, as one write of a transaction. */
  TransactWriteItem inTransaction(String table, Map<String, AttributeValue> key) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(key)
                    .updateExpression(expression())
                    .conditionExpression(conditionExpression())
                    .expressionAttributeNames(names())
                    .expressionAttributeValues(values()))
        .build();
  }

  /** This update of the item at {@code key}, as a request of its own. */
  UpdateItemRequest request(String table, Map<String, AttributeValue> key) {
    return UpdateItemRequest.builder()
        .tableName(table)
        .key(key)
        .updateExpression(expression())
        .conditionExpression(conditionExpression())
        .expressionAttributeNames(names())
        .expressionAttributeValues(values())
        .build();
  }

  String conditionExpression() {
    return condition;
  }

  Map<String, String> names() {
    return names;
  }

  Map<String, AttributeValue> values() {
    return values.isEmpty() ? null : values;
  }
}
