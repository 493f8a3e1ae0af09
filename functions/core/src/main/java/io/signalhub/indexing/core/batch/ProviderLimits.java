package io.signalhub.indexing.core.batch;

/**
 * What one embedding request may hold, as the provider enforces it.
 *
 * @param name preset name, for reports
 * @param maxInputsPerRequest inputs in one request
 * @param maxTokensPerInput tokens in one input, as the provider's tokenizer counts them
 * @param maxCharsPerInput characters in one input (some providers limit characters)
 * @param maxTokensPerRequest tokens summed over a request's inputs
 * @param maxRequestBytes size of the request body
 */
public record ProviderLimits(
    String name,
    int maxInputsPerRequest,
    int maxTokensPerInput,
    int maxCharsPerInput,
    int maxTokensPerRequest,
    long maxRequestBytes) {

  /**
   * OpenAI embeddings: 2,048 inputs, 8,192 tokens per input, 300,000 tokens per request
   * (platform.openai.com/docs/api-reference/embeddings/create). No documented byte limit; 16 MiB
   * keeps bodies well inside what gateways accept.
   */
  public static final ProviderLimits OPENAI =
      new ProviderLimits("openai", 2048, 8192, Integer.MAX_VALUE, 300_000, 16L << 20);

  /** Amazon Titan Text Embeddings V2: one input per request, 8,192 tokens, 50,000 characters. */
  public static final ProviderLimits BEDROCK_TITAN_V2 =
      new ProviderLimits("bedrock-titan-v2", 1, 8192, 50_000, 8192, 1L << 20);

  /**
   * Cohere Embed v3 on Bedrock: 96 texts per call, 2,048 characters per text; Cohere recommends at
   * most 512 tokens per text.
   */
  public static final ProviderLimits BEDROCK_COHERE =
      new ProviderLimits("bedrock-cohere", 96, 512, 2048, 96 * 512, 1L << 20);

  /**
   * all-MiniLM-L6-v2 in process: its tokenizer truncates at 128 wordpieces (special tokens
   * included), so no input may be longer. 64 inputs per call keeps memory flat.
   */
  public static final ProviderLimits LOCAL_MINILM =
      new ProviderLimits("local-minilm", 64, 128, Integer.MAX_VALUE, 64 * 128, Long.MAX_VALUE);

  public ProviderLimits {
    if (maxInputsPerRequest < 1 || maxTokensPerInput < 1 || maxCharsPerInput < 1) {
      throw new IllegalArgumentException("Provider limits must be positive: " + name);
    }
    if (maxTokensPerRequest < maxTokensPerInput) {
      throw new IllegalArgumentException(
          "maxTokensPerRequest must hold at least one full input: " + name);
    }
  }
}
