package io.signalhub.indexing.core.economy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link EconomyStore} in memory: unit tests and the library. */
public final class InMemoryEconomyStore implements EconomyStore {

  private final Map<String, EconomySettings> modes = new ConcurrentHashMap<>();
  private final Map<String, String> owners = new ConcurrentHashMap<>();
  private final Map<String, Submission> submissions = new ConcurrentHashMap<>();

  @Override
  public EconomySettings modeIfAbsent(String jobId, EconomySettings settings) {
    return modes.computeIfAbsent(jobId, id -> settings);
  }

  @Override
  public Optional<EconomySettings> mode(String jobId) {
    return Optional.ofNullable(modes.get(jobId));
  }

  @Override
  public synchronized String claim(
      String jobId, long seq, String submissionId, String previousOwner) {
    String key = jobId + "#" + seq;
    String owner = owners.get(key);
    if (owner == null || (previousOwner != null && previousOwner.equals(owner))) {
      owners.put(key, submissionId);
      return submissionId;
    }
    return owner;
  }

  @Override
  public synchronized Submission createIfAbsent(Submission submission) {
    String key = submission.jobId() + "#" + submission.id();
    return submissions.computeIfAbsent(key, k -> submission);
  }

  @Override
  public Optional<Submission> get(String jobId, String submissionId) {
    return Optional.ofNullable(submissions.get(jobId + "#" + submissionId));
  }

  @Override
  public List<Submission> list(String jobId) {
    List<Submission> list = new ArrayList<>();
    submissions.forEach(
        (key, value) -> {
          if (value.jobId().equals(jobId)) {
            list.add(value);
          }
        });
    list.sort(Submission.ORDER);
    return list;
  }

  @Override
  public synchronized boolean update(Submission expected, Submission next) {
    String key = expected.jobId() + "#" + expected.id();
    Submission current = submissions.get(key);
    if (current == null || current.version() != expected.version()) {
      return false;
    }
    submissions.put(key, withVersion(next, current.version() + 1));
    return true;
  }

  @Override
  public synchronized void delete(String jobId) {
    modes.remove(jobId);
    owners.keySet().removeIf(key -> key.startsWith(jobId + "#"));
    submissions.keySet().removeIf(key -> key.startsWith(jobId + "#"));
  }

  static Submission withVersion(Submission s, long version) {
    Objects.requireNonNull(s, "submission must be set");
    return new Submission(
        s.jobId(),
        s.id(),
        s.seqs(),
        s.attempt(),
        s.phase(),
        s.providerBatchId(),
        s.providerState(),
        s.requests(),
        s.done(),
        s.tokens(),
        s.outcome(),
        version);
  }
}
