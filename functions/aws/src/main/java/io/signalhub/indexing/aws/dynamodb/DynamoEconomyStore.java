package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Condition.anyOf;
import static io.signalhub.indexing.aws.dynamodb.Condition.equalTo;
import static io.signalhub.indexing.aws.dynamodb.Condition.notExists;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.economy.EconomySettings;
import io.signalhub.indexing.core.economy.EconomyStore;
import io.signalhub.indexing.core.economy.Submission;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Economy mode's items in the jobs table, under the job's partition key (so deleting a job deletes
 * them): {@code economy#mode}, {@code economy#claim#<seq>} (which submission owns a batch) and
 * {@code economy#sub#<id>}. Every write is conditional: put-if-absent for the mode, claims and
 * submissions, a version check for submission updates.
 */
public final class DynamoEconomyStore implements EconomyStore {

  private static final String OWNER = "owner";
  private static final String VERSION = "version";
  private static final String MODE = "economy#mode";
  private static final String SUBMISSION = "economy#sub#";

  private final JobPartition partition;

  public DynamoEconomyStore(DynamoDbClient dynamo, String table) {
    this.partition = new JobPartition(dynamo, table, ConflictRetry.standard());
  }

  private static String claimKey(long seq) {
    return String.format("economy#claim#%010d", seq);
  }

  @Override
  public EconomySettings modeIfAbsent(String jobId, EconomySettings settings) {
    Map<String, AttributeValue> item = new HashMap<>(key(jobId, MODE));
    item.put("mode", text(settings.mode().name()));
    item.put("fallback", text(settings.fallback().name()));
    item.put("maxResubmits", number(settings.maxResubmits()));
    partition.putIfAbsent(item);
    return mode(jobId).orElse(settings);
  }

  @Override
  public Optional<EconomySettings> mode(String jobId) {
    return partition
        .read(jobId, MODE)
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
    item.put(OWNER, text(submissionId));
    Condition mayClaim = anyOf(notExists(PK), equalTo(OWNER, text(submissionId)));
    if (previousOwner != null) {
      mayClaim = anyOf(mayClaim, equalTo(OWNER, text(previousOwner)));
    }
    if (partition.put(item, mayClaim)) {
      return submissionId;
    }
    return partition
        .read(jobId, claimKey(seq))
        .map(current -> Items.text(current, OWNER, null))
        .orElse(submissionId);
  }

  @Override
  public Submission createIfAbsent(Submission submission) {
    partition.putIfAbsent(encode(submission, 0));
    return get(submission.jobId(), submission.id()).orElseThrow();
  }

  @Override
  public Optional<Submission> get(String jobId, String submissionId) {
    return partition.read(jobId, SUBMISSION + submissionId).map(DynamoEconomyStore::decode);
  }

  @Override
  public List<Submission> list(String jobId) {
    return partition
        .startingWith(jobId, SUBMISSION)
        .map(DynamoEconomyStore::decode)
        .sorted(Submission.ORDER)
        .toList();
  }

  @Override
  public boolean update(Submission expected, Submission next) {
    return partition.put(
        encode(next, expected.version() + 1), equalTo(VERSION, number(expected.version())));
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
    item.put(VERSION, number(version));
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
        Items.number(item, VERSION));
  }
}
