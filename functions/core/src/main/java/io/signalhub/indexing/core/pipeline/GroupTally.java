package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.source.SkipReason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts that belong to a range of a job's chunk stream, registered with one group. */
final class GroupTally {
  long cached;
  long filesRead;
  final Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
  final List<Failure> failures = new ArrayList<>();

  /** Vector records of the cached chunks, so a job's vectors/ folder is complete. */
  final List<String> cachedVectors = new ArrayList<>();

  void addTo(GroupTally other) {
    other.cachedVectors.addAll(cachedVectors);
    other.cached += cached;
    other.filesRead += filesRead;
    skipped.forEach((reason, count) -> other.skipped.merge(reason, count, Long::sum));
    other.failures.addAll(failures);
  }

  boolean isEmpty() {
    return cached == 0 && filesRead == 0;
  }
}
