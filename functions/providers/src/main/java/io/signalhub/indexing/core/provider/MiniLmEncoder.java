package io.signalhub.indexing.core.provider;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One text through the ONNX session, tokenized once. langchain4j's {@code OnnxBertBiEncoder}
 * tokenizes every text three times (to partition it, to rebuild the partition's text, to check the
 * rebuild) before encoding it; each pass costs about 0.3 ms of the 10 ms of CPU a 128-wordpiece
 * chunk takes on this machine's cores. The pooling and normalization below repeat its float
 * arithmetic operation for operation, so the vectors are the same bit for bit ({@code
 * LocalMiniLmProviderTest}).
 *
 * <p>One text per session run on purpose: the quantized model quantizes its activations with one
 * scale per tensor (24 {@code DynamicQuantizeLinear} nodes), so a text run in a batch of several
 * gets a vector that depends on its batch neighbours (cosine down to 0.97 against the same text
 * alone, measured); and on chunks near the 128-wordpiece limit a batch saved no CPU per chunk. Nor
 * did session options: all graph optimizations are the default (basic ones cost 15% more), and
 * neither flushing denormals nor dropping the arena and memory pattern changed the CPU per chunk.
 */
final class MiniLmEncoder {

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final HuggingFaceTokenizer tokenizer;
  private final boolean takesTokenTypes;
  private final String output;

  MiniLmEncoder(OrtEnvironment environment, OrtSession session, InputStream tokenizerJson)
      throws java.io.IOException, OrtException {
    this.environment = environment;
    this.session = session;
    this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("padding", "false"));
    this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    // the first output is the last hidden state; asking for it alone skips the pooler head
    this.output = session.getOutputNames().iterator().next();
  }

  /**
   * The text's normalized mean-pooled vector. The model's tokenizer.json truncates to 128
   * wordpieces, so a text is always one sequence (langchain4j's partitioning of texts over 510
   * never applies to this model).
   */
  float[] embed(String text) throws OrtException {
    long[] ids = tokenizer.encode(text, true, false).getIds();
    long[] shape = {1, ids.length};
    long[] ones = new long[ids.length];
    java.util.Arrays.fill(ones, 1);
    try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
        OnnxTensor mask = OnnxTensor.createTensor(environment, LongBuffer.wrap(ones), shape);
        OnnxTensor types =
            OnnxTensor.createTensor(environment, LongBuffer.wrap(new long[ids.length]), shape)) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put("input_ids", inputIds);
      inputs.put("attention_mask", mask);
      if (takesTokenTypes) {
        inputs.put("token_type_ids", types);
      }
      try (OrtSession.Result result = session.run(inputs, java.util.Set.of(output))) {
        OnnxTensor hidden = (OnnxTensor) result.get(0);
        long[] dims = hidden.getInfo().getShape();
        return normalize(meanPool(hidden.getFloatBuffer(), (int) dims[1], (int) dims[2]));
      }
    }
  }

  /** The average of the token vectors, summed in float in token order as langchain4j does. */
  private static float[] meanPool(FloatBuffer hidden, int tokens, int dimensions) {
    float[] average = new float[dimensions];
    for (int token = 0; token < tokens; token++) {
      for (int j = 0; j < dimensions; j++) {
        average[j] += hidden.get(token * dimensions + j);
      }
    }
    for (int j = 0; j < dimensions; j++) {
      average[j] /= tokens;
    }
    return average;
  }

  private static float[] normalize(float[] vector) {
    float sumSquare = 0;
    for (float v : vector) {
      sumSquare += v * v;
    }
    float norm = (float) Math.sqrt(sumSquare);
    float[] normalized = new float[vector.length];
    for (int i = 0; i < vector.length; i++) {
      normalized[i] = vector[i] / norm;
    }
    return normalized;
  }

  void close() {
    tokenizer.close();
    try {
      session.close();
    } catch (OrtException e) {
      // closing at shutdown: nothing left to do with a session that will not close
    }
  }
}
