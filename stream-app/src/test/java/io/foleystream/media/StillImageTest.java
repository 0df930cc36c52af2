package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StillImageTest {

  @TempDir Path dir;

  @Test
  void readsRgbPixelsRowByRowAndDropsAlpha() throws IOException, MediaException {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0x80102030);
    image.setRGB(2, 1, 0xFFA0B0C0);
    Path file = dir.resolve("a.png");
    ImageIO.write(image, "png", file.toFile());
    RgbFrame frame = StillImage.read(file);
    assertEquals(3, frame.width());
    assertEquals(2, frame.height());
    assertEquals(9, frame.stride());
    byte[] p = frame.pixels();
    assertEquals(0x10, p[0] & 0xFF, "alpha is dropped, not blended");
    assertEquals(0x20, p[1] & 0xFF);
    assertEquals(0x30, p[2] & 0xFF);
    int last = 9 + 6;
    assertEquals(0xA0, p[last] & 0xFF);
    assertEquals(0xB0, p[last + 1] & 0xFF);
    assertEquals(0xC0, p[last + 2] & 0xFF);
  }

  @Test
  void greyImagesBecomeRgb() throws IOException, MediaException {
    BufferedImage image = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setSample(0, 0, 0, 255);
    Path file = dir.resolve("g.png");
    ImageIO.write(image, "png", file.toFile());
    byte[] p = StillImage.read(file).pixels();
    assertEquals(255, p[0] & 0xFF);
    assertEquals(p[0], p[1]);
    assertEquals(p[0], p[2]);
  }

  @Test
  void badFilesSayWhy() throws IOException {
    Path text = Files.writeString(dir.resolve("t.png"), "no image");
    assertEquals(MediaException.Reason.UNSUPPORTED_CONTAINER,
        assertThrows(MediaException.class, () -> StillImage.read(text)).reason());
    Path empty = Files.createFile(dir.resolve("e.png"));
    assertEquals(MediaException.Reason.EMPTY,
        assertThrows(MediaException.class, () -> StillImage.read(empty)).reason());
    assertEquals(MediaException.Reason.IO, assertThrows(MediaException.class,
        () -> StillImage.read(dir.resolve("missing.png"))).reason());
  }
}
