package io.foleystream.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reads a still image (PNG, JPEG, BMP, GIF: what the Java runtime's image readers handle) as one
 * 8-bit RGB frame, like the official image mode's {@code Image.open(path).convert('RGB')}: an
 * alpha channel is dropped, not blended, and palette or grey images are expanded to RGB.
 */
public final class StillImage {

  private StillImage() {}

  /**
   * Reads an image file.
   *
   * @param file the image
   * @return its pixels as a frame at time 0
   * @throws MediaException {@code IO} if the file cannot be read, {@code UNSUPPORTED_CONTAINER}
   *     if no image reader understands it, {@code EMPTY} if it is empty
   */
  public static RgbFrame read(Path file) throws MediaException {
    BufferedImage image;
    try {
      if (Files.size(file) == 0) {
        throw new MediaException(MediaException.Reason.EMPTY, file + ": empty file");
      }
      image = ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new MediaException(MediaException.Reason.IO, file + ": cannot read: " + e.getMessage(),
          e);
    }
    if (image == null) {
      throw new MediaException(MediaException.Reason.UNSUPPORTED_CONTAINER, file
          + ": not an image this runtime reads (PNG, JPEG, BMP, GIF)");
    }
    int width = image.getWidth();
    int height = image.getHeight();
    byte[] pixels = new byte[3 * width * height];
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int x = 0; x < width; x++) {
        int argb = row[x];
        int at = 3 * (y * width + x);
        pixels[at] = (byte) (argb >> 16);
        pixels[at + 1] = (byte) (argb >> 8);
        pixels[at + 2] = (byte) argb;
      }
    }
    return new RgbFrame(0, width, height, 3 * width, pixels);
  }
}
