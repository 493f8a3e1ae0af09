package io.signalhub.indexing.core.page;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the pages write numbers, durations, times and statuses: one way on every page. */
final class PageText {

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private PageText() {}

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  static String when(String iso) {
    try {
      return WHEN.format(Instant.parse(iso));
    } catch (RuntimeException e) {
      return Html.escape(iso);
    }
  }

  static String clock(String iso) {
    return CLOCK.format(Instant.parse(iso));
  }

  static boolean terminal(String status) {
    return io.signalhub.indexing.core.job.JobStatus.valueOf(status).terminal();
  }

  static String statusClass(String status) {
    return switch (status) {
      case "COMPLETED" -> "ok";
      case "COMPLETED_WITH_FAILURES", "CANCELLED" -> "warn";
      case "FAILED" -> "bad";
      default -> "run";
    };
  }
}
