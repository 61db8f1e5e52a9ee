package io.tessera.bench.sbs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A python3 process running numpy_side.py: the NumPy half of each interleaved measurement. */
final class NumpySide implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final BufferedWriter in;
  private final BufferedReader out;

  NumpySide() throws IOException {
    Path script = Files.createTempFile("numpy_side", ".py");
    try (InputStream s = NumpySide.class.getResourceAsStream("numpy_side.py")) {
      Files.write(script, s.readAllBytes());
    }
    script.toFile().deleteOnExit();
    ProcessBuilder pb = new ProcessBuilder("python3", "-u", script.toString());
    // these slow OpenBLAS (and NumPy) here by about 40%; the Java side must be started without
    // them too (run-side-by-side.sh does both)
    pb.environment().remove("OPENBLAS_CORETYPE");
    pb.environment().remove("OPENBLAS_L2_SIZE");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    process = pb.start();
    in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  JsonNode call(ObjectNode req) throws IOException {
    in.write(JSON.writeValueAsString(req));
    in.write('\n');
    in.flush();
    String line = out.readLine();
    if (line == null) {
      throw new IOException("numpy side exited");
    }
    JsonNode r = JSON.readTree(line);
    if (r.has("error")) {
      throw new IOException("numpy side: " + r.get("error").asText());
    }
    return r;
  }

  void setup(String id, String code) throws IOException {
    call(JSON.createObjectNode().put("op", "setup").put("id", id).put("code", code));
  }

  double[] time(String id, String stmt, int reps) throws IOException {
    JsonNode r = call(JSON.createObjectNode().put("op", "time").put("id", id).put("stmt", stmt)
        .put("reps", reps));
    double[] t = new double[r.get("times").size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = r.get("times").get(i).asDouble();
    }
    return t;
  }

  void drop(String id) throws IOException {
    call(JSON.createObjectNode().put("op", "drop").put("id", id));
  }

  String info() throws IOException {
    return call(JSON.createObjectNode().put("op", "info")).toString();
  }

  @Override
  public void close() {
    try {
      in.close();
      process.waitFor();
    } catch (IOException | InterruptedException e) {
      process.destroy();
    }
  }
}
