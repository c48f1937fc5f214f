package io.cgdev.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How far an exported type may be relied on. Plugins must not use {@link Status#INTERNAL} types;
 * the cgroup-archunit rules check this.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Stability {
  /** The promise made about the annotated type or method. */
  Status value();

  /** The cgdev version that introduced it. */
  String since() default "0.1";

  /** Promise levels. */
  enum Status {
    /** For cgdev's own modules only; may change in any release. */
    INTERNAL,
    /** Usable, but its shape may still change in a minor release. */
    EXPERIMENTAL,
    /** Changes only in a major release. */
    STABLE
  }
}
