package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.chunk.Chunk;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VectorRecordTest {

  private static final float[] AWKWARD = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, 1e-30f, 0.1f};

  @ParameterizedTest
  @EnumSource(VectorRecord.Encoding.class)
  void eitherEncodingReadsBackBitForBit(VectorRecord.Encoding encoding) {
    VectorRecord record = new VectorRecord(Chunk.of("def f():\n    return 1\n"), "m", AWKWARD);

    VectorRecord read = VectorRecord.parse(record.toJsonLine(encoding));

    assertThat(read.vector()).containsExactly(AWKWARD);
    assertThat(read.chunk().text()).isEqualTo(record.chunk().text());
  }

  @Test
  void base64IsLittleEndianFloat32() {
    String line =
        new VectorRecord(Chunk.of("x"), "m", new float[] {1f})
            .toJsonLine(VectorRecord.Encoding.BASE64);

    // 1.0f is 0x3F800000: bytes 00 00 80 3F, little-endian
    assertThat(line).contains("\"vector\":\"AACAPw==\"");
  }

  @Test
  void anUnknownEncodingIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> VectorRecord.Encoding.parse("msgpack"))
        .hasMessageContaining("json or base64");
  }

  @Test
  void aPipelineSetToBase64WritesEveryVectorCompactly() {
    PipelineFixture fixture = new PipelineFixture(Map.of("signal-hub.vector-encoding", "base64"));
    String key = fixture.upload("job-1", PipelineFixture.sources(3, 5));
    fixture.fanOut().fanOut(key, Instant.MAX);
    fixture.drainQueue();

    List<String> lines = fixture.vectorLines("job-1");
    assertThat(lines).isNotEmpty();
    assertThat(lines)
        .allSatisfy(
            line -> {
              assertThat(line).contains("\"vector\":\"");
              assertThat(VectorRecord.parse(line).vector()).hasSize(fixture.provider.dimensions());
            });
  }
}
