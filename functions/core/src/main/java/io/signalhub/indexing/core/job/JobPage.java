package io.signalhub.indexing.core.job;

import java.util.List;

/** Jobs newest first, and an opaque cursor for the next page (null at the end). */
public record JobPage(List<JobRecord> jobs, String nextCursor) {}
