package io.foleystream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/** Proves the Avro build is wired: a schema under src/main/avro becomes a usable Java class. */
class GeneratedSchemaTest {

  @Test
  void generatedClassRoundTripsThroughAvroBinary() throws IOException {
    StreamControl original = StreamControl.newBuilder()
        .setStreamId("cam-1")
        .setPrompt("footsteps on gravel")
        .build();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(StreamControl.class).write(original, encoder);
    encoder.flush();

    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
    StreamControl decoded = new SpecificDatumReader<>(StreamControl.class).read(null, decoder);

    assertEquals(original, decoded);
    assertEquals("", decoded.getNegativePrompt(), "field default must apply");
    assertEquals("io.foleystream.schemas.StreamControl", StreamControl.getClassSchema().getFullName());
  }
}
