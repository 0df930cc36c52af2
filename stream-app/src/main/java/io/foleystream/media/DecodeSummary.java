package io.foleystream.media;

/**
 * What one decode call saw.
 *
 * @param framesDecoded frames that came out of the decoder
 * @param framesDelivered frames handed to the sink
 * @param firstPtsUs stream time of the first decoded frame, or {@link Long#MIN_VALUE} if none
 * @param lastPtsUs stream time of the last decoded frame, or {@link Long#MIN_VALUE} if none
 * @param stoppedEarly true if the sink asked to stop before the end of the input
 */
public record DecodeSummary(int framesDecoded, int framesDelivered, long firstPtsUs,
    long lastPtsUs, boolean stoppedEarly) {}
