// When the reference's flush_all takes effect on its items, for histories
// (history.h, "flush").
//
// memcached hides an item once its clock reaches oldest_live when the item
// was last stored or bumped at or before that second, or has a CAS unique
// below oldest_cas. A client's flush_all says when it was asked, not when it
// acts: with a delay it acts when the clock gets there, and for the second
// named by oldest_live every item stored is hidden as it lands; and a later
// flush_all with a delay, which moves oldest_live ahead of the clock again,
// shows every hidden item memcached has not unlinked yet. The watch is
// told of every change to the server (after each request runs, after each
// clock move) and says whether the items present were just hidden, and
// whether that second of hidden stores has begun or ended, or whether hidden
// items were shown again.
#ifndef MCSPEC_SIM_FLUSH_WATCH_H_
#define MCSPEC_SIM_FLUSH_WATCH_H_

#include <cstdint>

#include "server.h"

namespace mcspec::sim {

enum class FlushChange {
  kNone,
  kFlushed,   // every item present is hidden; stores from now on are not
  kFlushing,  // every item present is hidden, and so is every store until kFlushed
  // A flush_all with a delay put oldest_live ahead of the clock again: every
  // item hidden and not yet unlinked is shown again until the clock gets there.
  kRestored,
};

class FlushWatch {
 public:
  // What changed since the last call (the first: since the server was made).
  FlushChange Observe(const ref::Server& server);

 private:
  // The newest item there could have been at the last call: stored then,
  // with the last unique given out. All items present are hidden once it is
  // (memcached compares times and uniques only).
  ref::RelTime newest_time_ = 0;
  uint64_t newest_cas_ = 0;
  bool hiding_stores_ = false;  // as the cache was at the last call
  bool in_effect_ = false;      // oldest_live reached at the last call
};

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_FLUSH_WATCH_H_
