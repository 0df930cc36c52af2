package io.foleystream.inference;

/** Checks on float inputs before they reach a model. */
final class FeatureChecks {

  private FeatureChecks() {}

  /**
   * Fails on the first NaN or infinite value.
   *
   * @param values the values
   * @param what the input's name for the message
   * @throws InvalidInputException naming the input and the first bad element
   */
  static void requireFinite(float[] values, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new InvalidInputException(what + ": element " + i + " is " + values[i]
            + "; features must be finite");
      }
    }
  }

  /**
   * Fails unless an array holds exactly rows x width floats.
   *
   * @param values the values
   * @param rows expected rows
   * @param width expected row width
   * @param what the input's name for the message
   * @throws InvalidInputException naming the input, the expected and the actual size
   */
  static void requireSize(float[] values, int rows, int width, String what) {
    if (values.length != rows * width) {
      throw new InvalidInputException(what + ": " + values.length + " floats, expected ["
          + rows + ", " + width + "] = " + rows * width);
    }
  }
}
