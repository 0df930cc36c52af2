package io.foleystream.schemas.registry;

import java.util.List;

/**
 * The registry's verdict on a candidate schema.
 *
 * @param compatible whether the subject's compatibility level admits the schema
 * @param messages why not, when the registry says (Apicurio gives none through this endpoint)
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {

  /** Copies the messages. */
  public CompatibilityResult {
    messages = List.copyOf(messages);
  }
}
