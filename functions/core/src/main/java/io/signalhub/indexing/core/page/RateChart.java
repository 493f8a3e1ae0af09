package io.signalhub.indexing.core.page;

import io.signalhub.indexing.core.pipeline.JobView;
import java.util.List;
import java.util.Locale;

/**
 * The job's chunks per second, one bar per minute, as inline SVG (no script, no library); minutes
 * with 429 answers carry a red mark under their bar. The same minutes as a table, folded.
 */
final class RateChart {

  private static final int WIDTH = 600;
  private static final int HEIGHT = 180;
  private static final int LEFT = 44;
  private static final int BOTTOM = 22;
  private static final int TOP = 10;

  private RateChart() {}

  static String svg(List<JobView.Minute> minutes) {
    if (minutes == null || minutes.isEmpty()) {
      return "<p class=\"empty\" id=\"chart-empty\">No batch finished yet.</p>";
    }
    double max = 0;
    for (JobView.Minute minute : minutes) {
      max = Math.max(max, minute.chunksPerSecond());
    }
    double top = niceCeiling(max);
    double plotWidth = WIDTH - LEFT - 6;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    double slot = plotWidth / minutes.size();
    double gap = slot > 4 ? Math.min(2, slot * 0.15) : 0;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" id=\"chart\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"chunks per second per minute, peak ")
        .append(format(max))
        .append("\" data-minutes=\"")
        .append(minutes.size())
        .append("\">");
    for (double fraction : new double[] {0, 0.5, 1}) {
      double y = TOP + plotHeight * (1 - fraction);
      svg.append(
              String.format(
                  Locale.ROOT,
                  "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>",
                  LEFT,
                  WIDTH - 6,
                  y,
                  y))
          .append(
              String.format(
                  Locale.ROOT,
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                  LEFT - 6,
                  y + 4,
                  format(top * fraction)));
    }
    for (int i = 0; i < minutes.size(); i++) {
      JobView.Minute minute = minutes.get(i);
      double height = top == 0 ? 0 : plotHeight * minute.chunksPerSecond() / top;
      double x = LEFT + i * slot + gap / 2;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"rate\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">"
                  + "<title>%s UTC: %s chunks/s, %s tokens, %d requests, %d 429s, %d retries"
                  + "</title></rect>",
              x,
              TOP + plotHeight - height,
              Math.max(0.5, slot - gap),
              height,
              PageText.clock(minute.minute()),
              format(minute.chunksPerSecond()),
              PageText.count(minute.tokens()),
              minute.requests(),
              minute.throttled(),
              minute.retries()));
      if (minute.throttled() > 0) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"throttled\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"3\"/>",
                x,
                TOP + plotHeight + 1,
                Math.max(0.5, slot - gap)));
      }
    }
    String first = PageText.clock(minutes.get(0).minute());
    String last = PageText.clock(minutes.get(minutes.size() - 1).minute());
    svg.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s UTC</text>", LEFT, HEIGHT - 4, first));
    if (minutes.size() > 1) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
              WIDTH - 6,
              HEIGHT - 4,
              last));
    }
    return svg.append("</svg>").toString();
  }

  static String table(List<JobView.Minute> minutes) {
    if (minutes == null || minutes.isEmpty()) {
      return "";
    }
    StringBuilder rows = new StringBuilder();
    for (int i = minutes.size() - 1; i >= 0; i--) {
      JobView.Minute m = minutes.get(i);
      rows.append("<tr>");
      for (String cell :
          List.of(
              PageText.clock(m.minute()),
              format(m.chunksPerSecond()),
              PageText.count(m.completed() + m.failed()),
              PageText.count(m.tokens()),
              PageText.count(m.requests()),
              PageText.count(m.throttled()),
              PageText.count(m.retries()))) {
        rows.append("<td>").append(cell).append("</td>");
      }
      rows.append("</tr>");
    }
    return "<details><summary>Per minute (newest first; red marks on the chart: 429s)</summary>"
        + "<table class=\"minutes\"><thead><tr><th>UTC</th><th>chunks/s</th><th>chunks</th>"
        + "<th>tokens</th><th>requests</th><th>429s</th><th>retries</th></tr></thead><tbody>"
        + rows
        + "</tbody></table></details>";
  }

  /** 1, 2 or 5 times a power of ten, at least {@code value}: round numbers on the axis. */
  static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String format(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }
}
