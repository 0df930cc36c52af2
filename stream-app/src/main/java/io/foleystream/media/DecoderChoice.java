package io.foleystream.media;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which H.264 / H.265 decoder decodebin may use: FFmpeg's software decoders ({@code
 * avdec_h264}, {@code avdec_h265} from gst-libav) or NVIDIA's hardware decoders ({@code
 * nvh264dec}, {@code nvh265dec} from the nvcodec plugin of gst-plugins-bad). Other codecs are
 * decoded by whatever decodebin picks. Both decoders produce the same pixels (H.264 and H.265
 * decoding is bit-exact by specification); the hardware one moves most of the decoding cost
 * off the CPU.
 *
 * <p>The nvcodec plugin registers its decoders only where it finds a CUDA device and NVDEC, so
 * "installed" here means usable on this host.
 */
public enum DecoderChoice {
  /** The NVIDIA decoder of each codec where it is installed, FFmpeg's otherwise. */
  AUTO,
  /** FFmpeg's software decoders only. */
  LIBAV,
  /**
   * NVIDIA's decoders: a host without {@code nvh264dec} fails at the first decode; H.265 falls
   * back to FFmpeg's decoder where {@code nvh265dec} is missing.
   */
  NVCODEC;

  /** The software decoder of each codec, in {@link #CODECS} order. */
  static final String[] SOFTWARE = {"avdec_h264", "avdec_h265"};
  /** The hardware decoder of each codec, in {@link #CODECS} order. */
  static final String[] HARDWARE = {"nvh264dec", "nvh265dec"};
  /** The codecs the choice applies to. */
  static final String[] CODECS = {"H.264", "H.265"};

  /**
   * The decoder element factories decodebin must not use under this choice, given which are
   * installed.
   *
   * @param installed whether an element factory of that name is installed
   * @return factory names to skip
   * @throws MediaException ({@link MediaException.Reason#UNSUPPORTED_CODEC}) for {@link #NVCODEC}
   *     on a host without NVIDIA's H.264 decoder
   */
  public Set<String> excludedDecoders(Predicate<String> installed) throws MediaException {
    Set<String> excluded = new HashSet<>();
    for (int i = 0; i < CODECS.length; i++) {
      boolean hardware = installed.test(HARDWARE[i]);
      switch (this) {
        case LIBAV -> excluded.add(HARDWARE[i]);
        case AUTO -> excluded.add(hardware ? SOFTWARE[i] : HARDWARE[i]);
        case NVCODEC -> {
          if (!hardware && i == 0) {
            throw new MediaException(MediaException.Reason.UNSUPPORTED_CODEC, "decoder choice "
                + name().toLowerCase(Locale.ROOT) + ": " + HARDWARE[i] + " is not available"
                + " (gstreamer1.0-plugins-bad with the nvcodec plugin, an NVIDIA GPU and its"
                + " driver are needed)");
          }
          excluded.add(hardware ? SOFTWARE[i] : HARDWARE[i]);
        }
        default -> throw new IllegalStateException("unknown decoder choice " + this);
      }
    }
    return excluded;
  }
}
