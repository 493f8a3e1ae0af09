package io.signalhub.indexing.core.provider;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.WordPieceTokenCounter;

/**
 * What is known of the local all-MiniLM-L6-v2 model without running it: name, dimensions, limits,
 * tokenizer. Kept apart from {@code LocalMiniLmProvider} (module indexing-providers) so that it
 * references no ONNX Runtime class: the fan-out's package leaves onnxruntime out, and loading a
 * class that catches {@code OrtException} fails there with a {@link NoClassDefFoundError}.
 */
public final class LocalMiniLmModel {

  public static final String MODEL = "all-minilm-l6-v2-q";
  public static final int DIMENSIONS = 384;
  static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
  static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";

  private LocalMiniLmModel() {}

  /** The model's tokenizer and limits, without starting the ONNX session. */
  public static ModelProfile profile() {
    return new ModelProfile(
        "local",
        MODEL,
        DIMENSIONS,
        ProviderLimits.LOCAL_MINILM,
        WordPieceTokenCounter.fromClasspath(TOKENIZER_RESOURCE));
  }

  /** Whether the ONNX weights ship on the class path (not in a trimmed Lambda package). */
  public static boolean weightsOnClasspath() {
    return LocalMiniLmModel.class.getClassLoader().getResource(MODEL_RESOURCE) != null;
  }

  /** The name of the weights file, as stored in the model jar (and in the bucket for Lambda). */
  public static String weightsFileName() {
    return MODEL_RESOURCE;
  }

  /** The name of the tokenizer's tokenizer.json in the model jar. */
  public static String tokenizerFileName() {
    return TOKENIZER_RESOURCE;
  }
}
