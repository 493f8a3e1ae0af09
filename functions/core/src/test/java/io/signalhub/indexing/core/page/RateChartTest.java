package io.signalhub.indexing.core.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.pipeline.JobView;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateChartTest {

  @Test
  void thePerMinuteTableHasOneRowAMinuteNewestFirstWithItsRateAndCounts() {
    String table =
        RateChart.table(
            List.of(
                new JobView.Minute("2026-11-24T19:00:00Z", 60, 1200, 3, 12.5, 150_000, 40, 2, 1),
                new JobView.Minute("2026-11-24T19:01:00Z", 60, 600, 0, 10, 75_000, 20, 0, 0)));

    assertThat(table)
        .contains(
            "<tbody>"
                + "<tr><td>19:01</td><td>10</td><td>600</td><td>75,000</td><td>20</td><td>0</td>"
                + "<td>0</td></tr>"
                + "<tr><td>19:00</td><td>12.5</td><td>1,203</td><td>150,000</td><td>40</td>"
                + "<td>2</td><td>1</td></tr>"
                + "</tbody>");
  }
}
