#include "clock.h"

namespace mcspec::ref {

RelTime Clock::Realtime(int64_t exptime) const {
  if (exptime == 0) return 0;
  if (exptime > kRealtimeMaxDelta) {
    // At or before the start: 1, already expired (0 would mean "never").
    if (exptime <= process_started_) return 1;
    return static_cast<RelTime>(exptime - process_started_);
  }
  return static_cast<RelTime>(exptime + current_time_);
}

}  // namespace mcspec::ref
