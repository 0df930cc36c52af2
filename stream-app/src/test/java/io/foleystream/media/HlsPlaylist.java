package io.foleystream.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A media playlist read back from disk: the tags a player relies on. */
record HlsPlaylist(int targetDuration, long mediaSequence, List<Segment> segments,
    boolean ended) {

  /** One listed segment. */
  record Segment(String uri, double durationSeconds) {}

  static HlsPlaylist read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty() || !lines.get(0).equals("#EXTM3U")) {
      throw new IllegalStateException(file + ": not an M3U8 playlist");
    }
    int target = -1;
    long sequence = 0;
    boolean ended = false;
    Double pending = null;
    List<Segment> segments = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("#EXT-X-TARGETDURATION:")) {
        target = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
      } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
        sequence = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      } else if (line.startsWith("#EXTINF:")) {
        String value = line.substring(line.indexOf(':') + 1);
        pending = Double.parseDouble(value.substring(0, value.indexOf(',')));
      } else if (line.equals("#EXT-X-ENDLIST")) {
        ended = true;
      } else if (!line.isBlank() && !line.startsWith("#")) {
        if (pending == null) {
          throw new IllegalStateException(file + ": " + line + " has no #EXTINF");
        }
        segments.add(new Segment(line.trim(), pending));
        pending = null;
      }
    }
    return new HlsPlaylist(target, sequence, segments, ended);
  }

  double totalSeconds() {
    return segments.stream().mapToDouble(Segment::durationSeconds).sum();
  }
}
