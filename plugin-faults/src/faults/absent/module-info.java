/** A module no folder has. */
module io.cgdev.fault.absent {
  exports io.cgdev.fault.absent;
}
