#!/usr/bin/env bash
# Media benchmark: decode + sample + preprocess of 8 s of 1080p30 H.264 against gst-launch-1.0
# decoding and scaling alone. Prints a Markdown table for docs/benchmarks.md.
# Usage: stream-app/scripts/bench-media.sh [work-dir [runs]]   (default: stream-app/target/bench, 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${1:-stream-app/target/bench}"
# One reactor run, so the project's own modules resolve to their build output, not to ~/.m2.
mvn -B -ntp -q -pl stream-app -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
CP="stream-app/target/classes:stream-app/target/test-classes:$(cat stream-app/target/bench.cp)"
# Compiler threads kept for the whole run, so that their CPU is counted as the JIT's rather than
# as that of threads which ended during a run (counted as GStreamer's decoder threads).
exec java -Xmx512m -XX:-UseDynamicNumberOfCompilerThreads -cp "$CP" io.foleystream.media.MediaBenchmark "$WORK" "${2:-5}"
