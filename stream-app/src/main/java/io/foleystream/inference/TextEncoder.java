package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/**
 * Prompt to per-token CLIP text features ({@code [text_len, text_dim]}): the tokenizer, then the
 * {@code clip_text} graph, with a bounded LRU cache per prompt so that a stream with a fixed
 * prompt encodes it once.
 */
public final class TextEncoder {

  private final OnnxModel model;
  private final OrtEnvironment environment;
  private final ClipTokenizer tokenizer;
  private final int featureSize;
  private final LruCache<String, float[]> cache;

  TextEncoder(OnnxModel model, OrtEnvironment environment, ClipTokenizer tokenizer,
      SequenceConfig sequence, int cacheCapacity) {
    this.model = model;
    this.environment = environment;
    this.tokenizer = tokenizer;
    this.featureSize = sequence.textLen() * sequence.textDim();
    this.cache = new LruCache<>(cacheCapacity);
  }

  /**
   * The features of a prompt, from the cache when it was encoded before.
   *
   * @param prompt the prompt, possibly empty
   * @return {@code text_len * text_dim} floats; a copy the caller may change
   */
  public float[] encode(String prompt) {
    return cache.get(prompt, p -> encodeTokens(tokenizer.tokenize(p))).clone();
  }

  /**
   * The features of token ids, uncached.
   *
   * @param tokens {@code text_len} ids
   * @return {@code text_len * text_dim} floats
   */
  public float[] encodeTokens(long[] tokens) {
    try (OnnxTensor input = Tensors.longs(environment, tokens, 1, tokens.length);
        OrtSession.Result result = model.run(Map.of(ModelGraph.CLIP_TEXT.inputName(0), input))) {
      float[] features = Tensors.toArray(result.get(0), ModelGraph.CLIP_TEXT.outputLabel(0));
      if (features.length != featureSize) {
        throw new InferenceException("clip_text returned " + features.length + " floats, expected "
            + featureSize);
      }
      return features;
    }
  }

  /**
   * Whether a prompt's features are cached.
   *
   * @param prompt the prompt
   * @return true if cached
   */
  public boolean isCached(String prompt) {
    return cache.contains(prompt);
  }

  /**
   * Prompts answered from the cache so far.
   *
   * @return hit count
   */
  public long cacheHits() {
    return cache.hits();
  }
}
