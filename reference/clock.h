// memcached's notion of time, made deterministic.
//
// memcached keeps `current_time`, a count of seconds since `process_started`,
// and sets process_started 62 seconds before the real start so that relative
// time is never 0 (current_time starts at 62). Expiry times are stored as
// relative times; `Realtime` converts a protocol exptime the way memcached
// does (0: never; above 30 days: an absolute unix time; otherwise relative).
//
// This clock never reads the wall clock: it moves only when its owner calls
// `Advance` (a virtual clock driven by a test, or a real-time adapter that
// feeds it elapsed seconds). `debugtime` of memcached's debug builds is
// modelled by `AdvanceDebug` and `Pause`/`Resume`.
#ifndef MCSPEC_REFERENCE_CLOCK_H_
#define MCSPEC_REFERENCE_CLOCK_H_

#include <cstdint>

namespace mcspec::ref {

using RelTime = uint32_t;  // memcached's rel_time_t

class Clock {
 public:
  // Seconds between process_started and the first tick, as memcached sets it.
  static constexpr RelTime kStartOffset = 62;
  // Longest relative expiry; larger exptimes are absolute unix times.
  static constexpr int64_t kRealtimeMaxDelta = int64_t{60} * 60 * 24 * 30;

  // `process_started` is the unix time memcached would have recorded
  // (its real start time minus 62 seconds).
  explicit Clock(int64_t process_started) : process_started_(process_started) {}

  RelTime now() const { return current_time_; }
  int64_t process_started() const { return process_started_; }
  // The unix time the server believes it is (the `time` stat).
  int64_t unix_now() const { return process_started_ + current_time_; }

  // Moves time forward by whole seconds, as memcached's once-a-second tick
  // does; a paused clock (debugtime p) ignores ticks.
  void Tick(uint32_t seconds) {
    if (!paused_) current_time_ += seconds;
  }
  // `debugtime N`: moves the clock N seconds (N may be negative) for good.
  void AdvanceDebug(int64_t seconds) {
    current_time_ = static_cast<RelTime>(current_time_ + seconds);
  }
  void Pause() { paused_ = true; }
  void Resume() { paused_ = false; }
  bool paused() const { return paused_; }

  // memcached's realtime(): protocol exptime (already made non-negative) to
  // relative time.
  RelTime Realtime(int64_t exptime) const;

  // EXPTIME_TO_POSITIVE_TIME: a negative exptime becomes an absolute time in
  // the past (30 days + 1 second).
  static int64_t PositiveExptime(int32_t exptime) {
    return exptime < 0 ? kRealtimeMaxDelta + 1 : exptime;
  }

 private:
  int64_t process_started_;
  RelTime current_time_ = kStartOffset;
  bool paused_ = false;
};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_CLOCK_H_
