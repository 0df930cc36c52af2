package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.ModelLoadListener.Progress;
import java.util.EnumSet;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoadListenerTest {

  @TempDir
  Path temp;

  private static ModelLoadListener hashes(List<Progress> seen) {
    return new ModelLoadListener() {
      @Override
      public void hashed(Progress progress) {
        seen.add(progress);
      }
    };
  }

  private static List<Progress> open(Path set) {
    List<Progress> seen = new ArrayList<>();
    ModelSet.open(set, hashes(seen));
    return seen;
  }

  /** The reports of each file, in the order the files were hashed. */
  private static Map<String, List<Progress>> byFile(List<Progress> seen) {
    Map<String, List<Progress>> files = new LinkedHashMap<>();
    for (Progress p : seen) {
      files.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p);
    }
    return files;
  }

  @Test
  void progressGrowsFileByFileUntilEveryListedByteIsHashed() {
    ModelSetManifest manifest = ModelSet.open(TinyModelSet.DIRECTORY).manifest();
    long total = manifest.files().values().stream()
        .mapToLong(ModelSetManifest.FileEntry::bytes).sum();
    List<Progress> seen = open(TinyModelSet.DIRECTORY);

    assertTrue(manifest.files().size() > 1, "the fixture has several files");
    long before = 0;
    for (Progress p : seen) {
      assertEquals(total, p.totalBytes());
      assertTrue(p.bytesHashed() >= before, "bytes hashed went back: " + seen);
      before = p.bytesHashed();
    }
    assertEquals(total, seen.get(seen.size() - 1).bytesHashed());

    Map<String, List<Progress>> files = byFile(seen);
    assertEquals(manifest.files().keySet(), files.keySet());
    String previous = null;
    for (Progress p : seen) {
      // One file at a time: once the next file starts, the last one is finished.
      if (previous != null && !previous.equals(p.file())) {
        List<Progress> done = files.get(previous);
        assertEquals(done.get(done.size() - 1), seen.get(seen.indexOf(p) - 1));
      }
      previous = p.file();
    }
    files.forEach((name, reports) -> {
      long size = manifest.files().get(name).bytes();
      assertEquals(0, reports.get(0).fileBytesHashed(), name);
      assertEquals(size, reports.get(reports.size() - 1).fileBytesHashed(), name);
      reports.forEach(r -> assertEquals(size, r.fileBytes(), name));
    });
  }

  @Test
  void aLargeFileIsReportedEveryFewMegabytes() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    // ModelSet.open hashes the graphs without loading them, so any bytes stand in for one.
    long size = 2 * ModelSet.REPORT_STEP + 12_345;
    try (FileChannel channel = FileChannel.open(set.resolve("synchformer.onnx"),
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(java.nio.ByteBuffer.allocate(1), size - 1);
    }
    ModelSetTest.rewriteChecksum(set, "synchformer.onnx");

    List<Progress> reports = byFile(open(set)).get("synchformer.onnx");

    long inside = reports.stream().filter(r -> r.fileBytesHashed() > 0
        && r.fileBytesHashed() < size).count();
    assertTrue(inside >= 1, reports.toString());
    for (int i = 1; i < reports.size(); i++) {
      long step = reports.get(i).fileBytesHashed() - reports.get(i - 1).fileBytesHashed();
      assertTrue(step < 2 * ModelSet.REPORT_STEP, reports.toString());
    }
  }

  @Test
  void aTruncatedFileFailsBeforeAnyHashing() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    Path file = set.resolve("bpe_vocab.txt.gz");
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(file) - 1);
    }
    List<Progress> seen = new ArrayList<>();
    ModelSetException e = assertThrows(ModelSetException.class,
        () -> ModelSet.open(set, hashes(seen)));
    assertTrue(e.getMessage().contains("truncated or replaced"), e.getMessage());
    assertEquals(List.of(), seen);
  }

  @Test
  void everySessionIsReportedOnceCountingUpToTheGraphsAsked() {
    ModelSet set = ModelSet.open(TinyModelSet.DIRECTORY);
    EnumSet<ModelGraph> graphs = EnumSet.of(ModelGraph.CLIP_TEXT, ModelGraph.CONDITIONS,
        ModelGraph.VOCODER);
    List<String> seen = new ArrayList<>();
    ModelSessions.open(set, RuntimeOptions.defaults(), graphs, new ModelLoadListener() {
      @Override
      public void sessionCreated(ModelGraph graph, int created, int total) {
        seen.add(graph.key() + " " + created + "/" + total);
      }
    }).close();
    List<String> expected = new ArrayList<>();
    for (ModelGraph graph : graphs) {
      expected.add(graph.key() + " " + (expected.size() + 1) + "/" + graphs.size());
    }
    assertEquals(expected, seen);
  }
}
