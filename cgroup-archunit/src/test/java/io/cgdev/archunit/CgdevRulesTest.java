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
  void pluginRuleAcceptsAPluginThatUsesOnlyTheApi() {
    JavaClasses good = importOf(fixtures.goodplugin.UsesApi.class);
    assertThat(CgdevRules.plugin("fixtures.goodplugin..").evaluate(good).hasViolation()).isFalse();
  }
}
