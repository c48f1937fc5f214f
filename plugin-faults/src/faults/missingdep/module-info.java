/** A module whose dependency is missing. */
module io.cgdev.fault.missingdep {
  requires io.cgdev.api;
  requires io.cgdev.fault.absent;
  provides io.cgdev.api.spi.Controller with io.cgdev.fault.missingdep.MissingDepController;
}
