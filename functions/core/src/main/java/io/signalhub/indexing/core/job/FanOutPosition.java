package io.signalhub.indexing.core.job;

/**
 * Where a job's fan-out stands, so that a resumed fan-out continues exactly where the last one
 * stopped.
 *
 * @param complete whether every chunk of the manifest has been registered
 * @param cursor the next chunk not yet registered
 * @param nextSeq the next batch number
 * @param lastGroupFirstSeq the first batch that may not have been sent yet: a resumed fan-out
 *     resends the pending batches from here to {@code nextSeq} (those of a group registered just
 *     before a crash)
 */
public record FanOutPosition(
    boolean complete, Cursor cursor, long nextSeq, long lastGroupFirstSeq) {

  /** A fan-out that has not started. */
  public static final FanOutPosition START = new FanOutPosition(false, Cursor.START, 0, 0);

  /**
   * Where the fan-out stands once {@code group} is registered: at its end, with its batches
   * numbered, and its first batch the first one a resumed fan-out resends (none for a group without
   * batches).
   */
  public FanOutPosition after(GroupRegistration group) {
    return new FanOutPosition(
        complete,
        group.to(),
        group.nextSeq(nextSeq),
        group.batches().isEmpty() ? nextSeq : group.batches().get(0).seq());
  }

  /** Every batch before {@code sent} was sent; a late, lower confirmation changes nothing. */
  public FanOutPosition confirmed(long sent) {
    return new FanOutPosition(complete, cursor, nextSeq, Math.max(lastGroupFirstSeq, sent));
  }
}
