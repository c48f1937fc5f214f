/** A model of the DRM core. */
module io.cgdev.drm {
  requires transitive io.cgdev.api;
  requires org.slf4j;
}
