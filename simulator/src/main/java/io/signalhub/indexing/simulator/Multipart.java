package io.signalhub.indexing.simulator;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The fields and the one file of a multipart/form-data upload ({@code POST /v1/files}). */
record Multipart(Map<String, String> fields, String fileName, byte[] file) {

  private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
  private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

  static Multipart parse(String contentType, byte[] body) {
    Map<String, String> fields = new HashMap<>();
    if (contentType == null || !contentType.contains("boundary=")) {
      return new Multipart(fields, null, null);
    }
    String boundary = contentType.substring(contentType.indexOf("boundary=") + 9);
    if (boundary.startsWith("\"")) {
      boundary = boundary.substring(1, boundary.length() - 1);
    }
    // ISO-8859-1 keeps one char per byte, so offsets map back to the bytes
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String fileName = null;
    byte[] file = null;
    for (String part : text.split("--" + Pattern.quote(boundary))) {
      int split = part.indexOf("\r\n\r\n");
      if (split < 0) {
        continue;
      }
      String headers = part.substring(0, split);
      String value = part.substring(split + 4);
      if (value.endsWith("\r\n")) {
        value = value.substring(0, value.length() - 2);
      }
      var name = NAME.matcher(headers);
      if (!name.find()) {
        continue;
      }
      var filename = FILENAME.matcher(headers);
      if (filename.find()) {
        fileName = filename.group(1);
        file = value.getBytes(StandardCharsets.ISO_8859_1);
      } else {
        fields.put(name.group(1), value);
      }
    }
    return new Multipart(fields, fileName, file);
  }
}
