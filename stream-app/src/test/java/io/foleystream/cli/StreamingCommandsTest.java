package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The streaming commands refuse bad usage and missing settings before touching the network. */
class StreamingCommandsTest {

  @Test
  void runWithoutABrokerNamesTheSettingAndItsVariable() {
    CliRun result = CliRun.of("run", "--set", "foleystream.roles=assembler",
        "--set", "foleystream.generation.steps=4", "--set", "foleystream.generation.cfg=4.5");
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("bootstrap.servers")
        && result.err().contains("FOLEYSTREAM_BOOTSTRAP_SERVERS"), result.err());
  }

  @Test
  void runWithAnUnknownRoleIsAConfigurationError() {
    CliRun result = CliRun.of("run", "--bootstrap-servers", "127.0.0.1:1", "--registry-url",
        "mock://streaming-commands", "--set", "foleystream.roles=assembler,mixer");
    assertEquals(2, result.exitCode(), result.err());
    assertTrue(result.err().contains("unknown role 'mixer'"), result.err());
  }

  @Test
  void aStartFailureNeverEchoesCredentials() {
    CliRun result = CliRun.of("run", "--bootstrap-servers", "127.0.0.1:1", "--registry-url",
        "http://ops:hunter2-S3cr3t@[not a host/apis", "--set", "foleystream.roles=assembler",
        "--set", "foleystream.generation.steps=4", "--set", "foleystream.generation.cfg=4.5",
        "--set", "basic.auth.user.info=svc:hunter2-S3cr3t");
    assertTrue(result.exitCode() != 0, result.err());
    assertTrue(!result.err().contains("hunter2-S3cr3t"), result.err());
    assertTrue(result.err().contains("malformed") && result.err().contains("[redacted]"),
        result.err());
  }

  @Test
  void muxNeedsAnOutputAndAVideoForTheMuxedFile() {
    CliRun nothing = CliRun.of("mux", "--stream-id", "cam");
    assertEquals(2, nothing.exitCode());
    assertTrue(nothing.err().contains("give --out, --wav or both"), nothing.err());
    CliRun noVideo = CliRun.of("mux", "--stream-id", "cam", "--out", "x.mp4");
    assertEquals(2, noVideo.exitCode());
    assertTrue(noVideo.err().contains("--out needs --video"), noVideo.err());
  }

  @Test
  void liveMuxNeedsItsDirectory() {
    CliRun result = CliRun.of("mux", "--stream-id", "cam", "--live");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("--live needs --hls-dir"), result.err());
  }

  @Test
  void ingestAndMuxDescribeThemselves() {
    assertTrue(CliRun.of("ingest", "--help").out().contains("--stream-id"));
    assertTrue(CliRun.of("mux", "--help").out().contains("read_committed"));
    assertTrue(CliRun.of("demo", "--help").out().contains("tiny untrained test set"));
  }
}
