package io.foleystream.media;

/**
 * A frame sink that takes frames in the decoder's I420 and converts (only the rows and columns
 * it reads) itself. The decoding pipeline hands such a sink I420 frames when colour is
 * converted in Java ({@link ColourConversion#OFFICIAL}); other sinks get RGB.
 */
interface I420FrameSink extends FrameSink {

  /**
   * Consumes a frame this sink decided to take. The frame's array is reused for the next frame
   * once this returns.
   *
   * @param frame the frame
   * @return true to go on decoding, false when no later frame is needed
   */
  boolean accept(I420Frame frame);
}
