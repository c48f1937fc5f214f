package io.cgdev.archunit;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** The rules catch what they promise to catch: each is run against a deliberately bad class. */
class CgdevRulesTest {
  private static JavaClasses importOf(Class<?>... types) {
    return new ClassFileImporter().importClasses(types);
  }

  @Test
  void pluginRuleFlagsADependencyOnTheCore() {
    JavaClasses bad = importOf(fixtures.badplugin.UsesCore.class);
    EvaluationResult result = CgdevRules.plugin("fixtures.badplugin..").evaluate(bad);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("io.cgdev.core");
  }

  @Test
  void pluginRuleFlagsAnInternalType() {
    JavaClasses bad = importOf(fixtures.internalplugin.UsesInternal.class, fixtures.internalplugin.Secret.class);
    EvaluationResult whole = CgdevRules.pluginUsesNoInternalTypes("fixtures.internalplugin..").evaluate(bad);
    assertThat(whole.hasViolation()).isTrue();
    assertThat(whole.getFailureReport().toString()).contains("Secret");
  }

  @Test
  void classCycleRuleFlagsACircleOfThreeButNotAPair() {
    JavaClasses cycles = importOf(fixtures.cycles.Hub.class, fixtures.cycles.Part.class, fixtures.cycles.Helper.class,
        fixtures.cycles.Pair.class, fixtures.cycles.Member.class, fixtures.cycles.Member.Back.class);
    EvaluationResult two = CgdevRules.classCyclesAtMost("fixtures.cycles..", 2).evaluate(cycles);
    assertThat(two.getFailureReport().getDetails()).singleElement().asString()
        .contains("circle of 3 classes").contains("Helper").contains("Hub").contains("Part");
    EvaluationResult one = CgdevRules.classCyclesAtMost("fixtures.cycles..", 1).evaluate(cycles);
    assertThat(one.getFailureReport().getDetails()).as("the pair, its nested class folded in, and the three")
        .hasSize(2).anySatisfy(d -> assertThat(d).contains("circle of 2 classes: [fixtures.cycles.Member, fixtures.cycles.Pair]"));
    assertThat(CgdevRules.classCyclesAtMost("fixtures.cycles..", 3).evaluate(cycles).hasViolation()).isFalse();
  }

  @Test
  void pluginRuleAcceptsAPluginThatUsesOnlyTheApi() {
    JavaClasses good = importOf(fixtures.goodplugin.UsesApi.class);
    assertThat(CgdevRules.plugin("fixtures.goodplugin..").evaluate(good).hasViolation()).isFalse();
  }
}
