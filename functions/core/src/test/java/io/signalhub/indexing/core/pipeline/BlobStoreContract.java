package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobStore} does: run on the in-memory store ({@code InMemoryBlobStoreTest}), on
 * a store that only streams ({@code StreamingBlobStoreTest}) and on S3 ({@code S3BlobStoreIT}).
 */
public abstract class BlobStoreContract {

  protected BlobStore blobs;

  /** A store with no objects in it. */
  protected abstract BlobStore newStore();

  @BeforeEach
  void emptyStore() {
    blobs = newStore();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anObjectReadsBackByteForByte() throws Exception {
    byte[] bytes = new byte[300_000];
    new Random(7).nextBytes(bytes);

    blobs.put("batches/job/0.json", bytes);

    assertThat(blobs.size("batches/job/0.json")).contains((long) bytes.length);
    assertThat(blobs.read("batches/job/0.json")).isEqualTo(bytes);
    try (InputStream in = blobs.open("batches/job/0.json")) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void aRangeReadsJustItsBytes() throws Exception {
    byte[] bytes = new byte[100_000];
    new Random(11).nextBytes(bytes);
    blobs.put("manifests/job.json", bytes);

    try (InputStream middle = blobs.open("manifests/job.json", 12_345, 67_890);
        InputStream tail = blobs.open("manifests/job.json", 99_000, Long.MAX_VALUE);
        InputStream past = blobs.open("manifests/job.json", 0, 200_000)) {
      assertThat(middle.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 12_345, 67_890));
      assertThat(tail.readAllBytes()).isEqualTo(Arrays.copyOfRange(bytes, 99_000, 100_000));
      assertThat(past.readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void anEmptyObjectIsStillAnObject() {
    blobs.put("empty", new byte[0]);

    assertThat(blobs.size("empty")).contains(0L);
    assertThat(blobs.read("empty")).isEmpty();
    assertThat(blobs.list("")).containsExactly("empty");
  }

  @Test
  void aMissingObjectHasNoSizeAndCannotBeReadOrOpened() {
    blobs.put("present", utf8("x"));

    assertThat(blobs.size("absent")).isEmpty();
    assertThatThrownBy(() -> blobs.read("absent"))
        .isInstanceOf(BlobStore.BlobNotFoundException.class)
        .hasMessageContaining("absent");
    assertThatThrownBy(() -> blobs.open("absent").close())
        .isInstanceOf(BlobStore.BlobNotFoundException.class);
  }

  @Test
  void puttingAgainReplacesTheObject() {
    blobs.put("manifests/job.json", utf8("first, and longer"));
    blobs.put("manifests/job.json", utf8("second"));

    assertThat(blobs.read("manifests/job.json")).isEqualTo(utf8("second"));
    assertThat(blobs.size("manifests/job.json")).contains(6L);
    assertThat(blobs.list("manifests/")).containsExactly("manifests/job.json");
  }

  @Test
  void keysAreKeptVerbatim() {
    String[] keys = {
      "sources/acme/my file (1).py", "sources/acme/ünïcødé/名前.py", "sources/acme/a+b=c&d%20e.py"
    };
    for (String key : keys) {
      blobs.put(key, utf8(key));
    }

    for (String key : keys) {
      assertThat(blobs.read(key)).as(key).isEqualTo(utf8(key));
    }
    assertThat(blobs.list("sources/acme/")).containsExactlyInAnyOrder(keys);
  }

  @Test
  void listingGivesTheKeysUnderAPrefixInKeyOrder() {
    // no key that is also another's "folder" ("a" beside "a/x"): S3 allows it, but s3proxy keeps
    // objects as files, and a source tree cannot hold both either
    for (String key : new String[] {"b", "ab", "a/x", "a.txt", "c/d/e", "a-b"}) {
      blobs.put(key, utf8(key));
    }

    // by UTF-8 bytes, as S3 lists: '-' (0x2D) < '.' (0x2E) < '/' (0x2F) < 'b'
    assertThat(blobs.list("a")).containsExactly("a-b", "a.txt", "a/x", "ab");
    assertThat(blobs.list("")).containsExactly("a-b", "a.txt", "a/x", "ab", "b", "c/d/e");
    assertThat(blobs.list("c/")).containsExactly("c/d/e");
    assertThat(blobs.list("z")).isEmpty();
  }
}
