package io.signalhub.indexing.core.page;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentNegotiationTest {

  @ParameterizedTest(name = "[{index}] Accept: {0} -> html {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // browsers
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8 | true",
        "text/html | true",
        "text/* | true",
        // API clients: curl, SDKs, fetch() with no header, explicit JSON
        "*/* | false",
        "'' | false",
        "application/json | false",
        "application/json, text/html | false",
        "text/html;q=0.5, application/json | false",
        "application/json;q=0.1, text/html | true",
        "text/html;q=0 | false",
        "text/plain | false",
      })
  void jsonStaysTheDefaultAndOnlyAPreferenceForHtmlGetsThePage(String accept, boolean html) {
    assertThat(ContentNegotiation.prefersHtml(accept)).isEqualTo(html);
  }
}
