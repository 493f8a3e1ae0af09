package io.signalhub.indexing.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunks of one run that are on their way to the provider, by content key, so an identical
 * chunk is embedded once: the first one leads, later twins wait for its result (or take it, if it
 * has already come back).
 */
final class InFlightIndex {

  /** Where an item stands against its twins. */
  enum Standing {
    /** No twin in flight: embed this one. */
    LEADS,
    /** A twin is in flight: its result will be this item's too. */
    WAITS,
    /** A twin came back meanwhile: {@link Claim#twin()} is this item's result. */
    TWIN_SETTLED
  }

  /** An item's standing and, when its twin has settled, the twin's result. */
  record Claim(Standing standing, ChunkResult twin) {}

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  Claim claim(WorkItem item) {
    Entry existing = entries.putIfAbsent(item.key(), new Entry());
    if (existing == null) {
      return new Claim(Standing.LEADS, null);
    }
    if (existing.follow(item)) {
      return new Claim(Standing.WAITS, null);
    }
    return new Claim(Standing.TWIN_SETTLED, existing.outcome());
  }

  /** The leader's result is in: the items that waited for it (none if nothing waited). */
  List<WorkItem> settle(String key, ChunkResult result) {
    Entry entry = entries.remove(key);
    return entry == null ? List.of() : entry.settle(result);
  }

  /** Twins waiting for one leader. */
  private static final class Entry {
    private final List<WorkItem> followers = new ArrayList<>();
    private ChunkResult outcome;

    synchronized boolean follow(WorkItem item) {
      if (outcome == null) {
        followers.add(item);
        return true;
      }
      return false;
    }

    synchronized List<WorkItem> settle(ChunkResult result) {
      outcome = result;
      return List.copyOf(followers);
    }

    synchronized ChunkResult outcome() {
      return outcome;
    }
  }
}
