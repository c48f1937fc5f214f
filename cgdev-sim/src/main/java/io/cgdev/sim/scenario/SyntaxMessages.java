package io.cgdev.sim.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a YAML or JSON parser's complaint into one line in the scenario's own words: without the
 * parser's location blocks ({@code in reader, line 2, column 11:} with a snippet and a caret), its
 * source descriptions ({@code [Source: REDACTED (...)]}) and its hints at its own settings ({@code
 * (from `StreamReadConstraints...`)}); the caller puts {@code FILE:LINE:} in front. Stateless.
 */
final class SyntaxMessages {
  /** The first line of a location block of the YAML scanner; the snippet and the caret follow it. */
  private static final Pattern MARK = Pattern.compile("^\\s*in [^,]*, line \\d+, column \\d+:\\s*$");
  private static final Pattern SOURCE = Pattern.compile("\\s*\\(?\\s*(start marker )?at \\[Source:[^\\]]*\\]\\)?");
  private static final Pattern SOURCE_ALONE = Pattern.compile("\\[Source:[^\\]]*\\]");
  private static final Pattern SETTING = Pattern.compile("\\s*\\(from `[^`]*`\\)");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private SyntaxMessages() {}

  /** The parser's message as one clean line; {@code fallback} when nothing is left of it. */
  static String clean(String message, String fallback) {
    if (message == null || message.isBlank()) {
      return fallback;
    }
    List<String> kept = new ArrayList<>();
    String[] lines = message.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (MARK.matcher(lines[i]).matches()) {
        i += 2; // the snippet of the file and the caret under the column
        continue;
      }
      kept.add(lines[i]);
    }
    String text = String.join(" ", kept);
    text = SOURCE.matcher(text).replaceAll("");
    text = SOURCE_ALONE.matcher(text).replaceAll("");
    text = SETTING.matcher(text).replaceAll("");
    text = SPACES.matcher(text).replaceAll(" ").strip();
    return text.isEmpty() ? fallback : text;
  }
}
