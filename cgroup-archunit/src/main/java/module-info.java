/** ArchUnit rules for cgdev plugins. */
module io.cgdev.archunit {
  requires transitive com.tngtech.archunit;
}
