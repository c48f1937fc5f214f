package io.cgdev.sim.scenario;

/**
 * The checks every document reader makes on what it reads, whatever the format: how deep values
 * nest and how long a value is ({@link ScenarioLimits}). Stateless.
 */
final class ValueChecks {
  private ValueChecks() {}

  /** @throws ScenarioException when a value at {@code depth} nests too deep */
  static void depth(String source, int line, String field, int depth) {
    if (depth > ScenarioLimits.MAX_DEPTH) {
      // the path of such a value is as deep as the value: show its start
      String shown = field.length() > 60 ? field.substring(0, 60) + "…" : field;
      throw new ScenarioException(source, line, shown, "nested deeper than " + ScenarioLimits.MAX_DEPTH + " levels");
    }
  }

  /** @throws ScenarioException when {@code text} is longer than a value of {@code field} may be */
  static void length(String source, int line, String field, String text) {
    int max = field.equals("description") ? ScenarioLimits.MAX_DESCRIPTION_CHARS : ScenarioLimits.MAX_VALUE_CHARS;
    if (text != null && text.length() > max) {
      throw new ScenarioException(source, line, field, "value of " + text.length() + " characters: at most " + max + " are accepted");
    }
  }
}
