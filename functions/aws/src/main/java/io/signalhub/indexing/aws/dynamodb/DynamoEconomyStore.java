package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;

import io.signalhub.indexing.core.economy.EconomySettings;
import io.signalhub.indexing.core.economy.EconomyStore;
import io.signalhub.indexing.core.economy.Submission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Economy mode's items in the jobs table, under the job's partition key (so deleting a job deletes
 * them): {@code economy#mode}, {@code economy#claim#<seq>} (which submission owns a batch) and
 * {@code economy#sub#<id>}. Every write is conditional: put-if-absent for the mode, claims and
 * submissions, a version check for submission updates.
 */
public final class DynamoEconomyStore implements EconomyStore {

  private static final String PK = JobItem.PK;
  private static final String SK = JobItem.SK;
  private static final String MODE = "economy#mode";
  private static final String SUBMISSION = "economy#sub#";

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoEconomyStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String jobId, String sk) {
    return Map.of(PK, text(jobId), SK, text(sk));
  }

  private static String claimKey(long seq) {
    return String.format("economy#claim#%010d", seq);
  }

  private boolean putIfAbsent(Map<String, AttributeValue> item) {
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PK)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private Optional<Map<String, AttributeValue>> read(String jobId, String sk) {
    Map<String, AttributeValue> item =
        dynamo.getItem(r -> r.tableName(table).key(key(jobId, sk)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  @Override
  public EconomySettings modeIfAbsent(String jobId, EconomySettings settings) {
    Map<String, AttributeValue> item = new HashMap<>(key(jobId, MODE));
    item.put("mode", text(settings.mode().name()));
    item.put("fallback", text(settings.fallback().name()));
    item.put("maxResubmits", number(settings.maxResubmits()));
    putIfAbsent(item);
    return mode(jobId).orElse(settings);
  }

  @Override
  public Optional<EconomySettings> mode(String jobId) {
    return read(jobId, MODE)
        .map(
            item ->
                new EconomySettings(
                    EconomySettings.Mode.valueOf(Items.text(item, "mode", "ON_DEMAND")),
                    EconomySettings.Fallback.valueOf(Items.text(item, "fallback", "ON_DEMAND")),
                    (int) Items.number(item, "maxResubmits")));
  }

  @Override
  public String claim(String jobId, long seq, String submissionId, String previousOwner) {
    Map<String, AttributeValue> item = new HashMap<>(key(jobId, claimKey(seq)));
    item.put("owner", text(submissionId));
    try {
      if (previousOwner == null) {
        dynamo.putItem(
            r ->
                r.tableName(table)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #owner = :me")
                    .expressionAttributeNames(Map.of("#pk", PK, "#owner", "owner"))
                    .expressionAttributeValues(Map.of(":me", text(submissionId))));
      } else {
        dynamo.putItem(
            r ->
                r.tableName(table)
                    .item(item)
                    .conditionExpression(
                        "attribute_not_exists(#pk) OR #owner = :me OR #owner = :previous")
                    .expressionAttributeNames(Map.of("#pk", PK, "#owner", "owner"))
                    .expressionAttributeValues(
                        Map.of(":me", text(submissionId), ":previous", text(previousOwner))));
      }
      return submissionId;
    } catch (ConditionalCheckFailedException e) {
      return read(jobId, claimKey(seq))
          .map(current -> Items.text(current, "owner", null))
          .orElse(submissionId);
    }
  }

  @Override
  public Submission createIfAbsent(Submission submission) {
    putIfAbsent(encode(submission, 0));
    return get(submission.jobId(), submission.id()).orElseThrow();
  }

  @Override
  public Optional<Submission> get(String jobId, String submissionId) {
    return read(jobId, SUBMISSION + submissionId).map(DynamoEconomyStore::decode);
  }

  @Override
  public List<Submission> list(String jobId) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    dynamo
        .queryPaginator(
            r ->
                r.tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("#pk = :job AND begins_with(#sk, :prefix)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(
                        Map.of(":job", text(jobId), ":prefix", text(SUBMISSION))))
        .items()
        .forEach(items::add);
    return items.stream().map(DynamoEconomyStore::decode).sorted(Submission.ORDER).toList();
  }

  @Override
  public boolean update(Submission expected, Submission next) {
    Map<String, AttributeValue> item = encode(next, expected.version() + 1);
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("#version = :expected")
                  .expressionAttributeNames(Map.of("#version", "version"))
                  .expressionAttributeValues(Map.of(":expected", number(expected.version()))));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  @Override
  public void delete(String jobId) {
    // the job store's delete removes every item of the job's partition, these included
  }

  private static Map<String, AttributeValue> encode(Submission s, long version) {
    Map<String, AttributeValue> item = new HashMap<>(key(s.jobId(), SUBMISSION + s.id()));
    item.put("id", text(s.id()));
    item.put("seqs", text(String.join(",", s.seqs().stream().map(String::valueOf).toList())));
    item.put("attempt", number(s.attempt()));
    item.put("phase", text(s.phase().name()));
    if (s.providerBatchId() != null) {
      item.put("providerBatchId", text(s.providerBatchId()));
    }
    if (s.providerState() != null) {
      item.put("providerState", text(s.providerState()));
    }
    item.put("requests", number(s.requests()));
    item.put("done", number(s.done()));
    item.put("tokens", number(s.tokens()));
    if (s.outcome() != null) {
      item.put("outcome", text(s.outcome()));
    }
    item.put("version", number(version));
    return item;
  }

  private static Submission decode(Map<String, AttributeValue> item) {
    String seqs = Items.text(item, "seqs", "");
    return new Submission(
        item.get(PK).s(),
        Items.text(item, "id", null),
        seqs.isEmpty() ? List.of() : Arrays.stream(seqs.split(",")).map(Long::valueOf).toList(),
        (int) Items.number(item, "attempt"),
        Submission.Phase.valueOf(Items.text(item, "phase", "PREPARED")),
        Items.text(item, "providerBatchId", null),
        Items.text(item, "providerState", null),
        (int) Items.number(item, "requests"),
        (int) Items.number(item, "done"),
        Items.number(item, "tokens"),
        Items.text(item, "outcome", null),
        Items.number(item, "version"));
  }
}
