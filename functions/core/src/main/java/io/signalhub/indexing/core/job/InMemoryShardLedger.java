package io.signalhub.indexing.core.job;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ShardLedger} of an {@link InMemoryJobStore}: every method holds the store's lock, so a
 * shard's group is counted into its job and moves the shard's cursor in one step, as the DynamoDB
 * transaction does.
 */
final class InMemoryShardLedger implements ShardLedger {

  /** One shard's position and lease. */
  private record Shard(FanOutPosition position, String leaseOwner, Instant leaseUntil) {
    Shard at(FanOutPosition moved) {
      return new Shard(moved, leaseOwner, leaseUntil);
    }
  }

  private final InMemoryJobStore store;
  private final Map<String, ShardPlan> plans = new HashMap<>();
  private final Map<String, Map<Integer, Shard>> shards = new HashMap<>();

  InMemoryShardLedger(InMemoryJobStore store) {
    this.store = store;
  }

  @Override
  public Optional<ShardPlan> plan(String jobId, ShardPlan proposed, Instant now) {
    synchronized (store) {
      ShardPlan existing = plans.get(jobId);
      if (existing != null) {
        return Optional.of(existing);
      }
      JobRecord job = store.get(jobId).orElse(null);
      if (job == null || job.status().terminal() || !job.fanOut().cursor().equals(Cursor.START)) {
        return Optional.empty();
      }
      plans.put(jobId, proposed);
      return Optional.of(proposed);
    }
  }

  @Override
  public Optional<ShardPlan> plan(String jobId) {
    synchronized (store) {
      return Optional.ofNullable(plans.get(jobId));
    }
  }

  @Override
  public boolean acquireLease(
      String jobId, ShardPlan plan, int shard, String owner, Instant now, Instant until) {
    synchronized (store) {
      Map<Integer, Shard> ofJob = shards.computeIfAbsent(jobId, id -> new HashMap<>());
      Shard current = ofJob.getOrDefault(shard, new Shard(plan.start(shard), null, null));
      boolean heldByOther =
          current.leaseUntil() != null
              && current.leaseUntil().isAfter(now)
              && !owner.equals(current.leaseOwner());
      if (current.position().complete() || heldByOther) {
        return false;
      }
      ofJob.put(shard, new Shard(current.position(), owner, until));
      return true;
    }
  }

  @Override
  public void releaseLease(String jobId, int shard, String owner) {
    synchronized (store) {
      Shard current = shard(jobId, shard);
      if (current != null && owner.equals(current.leaseOwner())) {
        shards.get(jobId).put(shard, new Shard(current.position(), null, null));
      }
    }
  }

  @Override
  public FanOutPosition position(String jobId, int shard) {
    synchronized (store) {
      Shard current = shard(jobId, shard);
      if (current == null) {
        throw new IllegalStateException("Job " + jobId + " has no shard " + shard + " yet");
      }
      return current.position();
    }
  }

  @Override
  public boolean registerGroup(String jobId, int shard, GroupRegistration group, Instant now) {
    synchronized (store) {
      Shard current = shard(jobId, shard);
      JobRecord job = store.get(jobId).orElse(null);
      if (current == null
          || job == null
          || job.status().terminal()
          || !current.position().cursor().equals(group.from())) {
        return false;
      }
      store.replace(store.counted(job, group, now).build());
      shards.get(jobId).put(shard, current.at(current.position().after(group)));
      return true;
    }
  }

  @Override
  public void confirmSent(String jobId, int shard, long nextSeq) {
    synchronized (store) {
      Shard current = shard(jobId, shard);
      if (current != null) {
        shards.get(jobId).put(shard, current.at(current.position().confirmed(nextSeq)));
      }
    }
  }

  @Override
  public boolean complete(String jobId, int shard, Instant now) {
    synchronized (store) {
      Shard current = shard(jobId, shard);
      if (current == null || current.position().complete()) {
        return false;
      }
      FanOutPosition p = current.position();
      shards
          .get(jobId)
          .put(
              shard,
              current.at(new FanOutPosition(true, p.cursor(), p.nextSeq(), p.lastGroupFirstSeq())));
      long done = shards.get(jobId).values().stream().filter(s -> s.position().complete()).count();
      if (done < plans.get(jobId).shards()) {
        return false;
      }
      store.completeFanout(jobId, now);
      return true;
    }
  }

  /** Drops everything kept for a deleted job. */
  void forget(String jobId) {
    synchronized (store) {
      plans.remove(jobId);
      shards.remove(jobId);
    }
  }

  private Shard shard(String jobId, int shard) {
    return shards.getOrDefault(jobId, Map.of()).get(shard);
  }
}
