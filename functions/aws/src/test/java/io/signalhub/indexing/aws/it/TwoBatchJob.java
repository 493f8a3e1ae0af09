package io.signalhub.indexing.aws.it;

import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.RegisteredBatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Job "job" as the store ITs start it: its fan-out registered two batches of two chunks. */
final class TwoBatchJob {

  private TwoBatchJob() {}

  /** Creates the job and registers its one group (batches 0 and 1) at {@code at}, fan-out done. */
  static void register(JobStore store, Instant at) {
    store.createIfAbsent(JobRecord.pending("job", "manifests/job.json", "fake", "m", 8, at));
    store.acquireFanoutLease("job", "fan-out", at, at.plusSeconds(60));
    store.registerGroup(
        "job",
        new GroupRegistration(
            Cursor.START,
            new Cursor(1, 0),
            List.of(new RegisteredBatch(0, 2), new RegisteredBatch(1, 2)),
            0,
            1,
            Map.of(),
            List.of()),
        at);
    store.completeFanout("job", at);
  }
}
