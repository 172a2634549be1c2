#include "flush_watch.h"

namespace mcspec::sim {

FlushChange FlushWatch::Observe(const ref::Server& server) {
  const ref::Cache& cache = server.cache();
  const ref::RelTime now = server.clock().now();
  // An item stored now gets `now` as its time and a unique at or above
  // oldest_cas: hidden exactly when the clock is at oldest_live. So the
  // newest item of the last call was hidden then exactly when stores were.
  const bool hiding_stores = cache.oldest_live() != 0 && cache.oldest_live() == now;
  const bool in_effect = cache.oldest_live() != 0 && cache.oldest_live() <= now;
  FlushChange change = FlushChange::kNone;
  if (in_effect_ && !in_effect) {
    change = FlushChange::kRestored;
  } else if (hiding_stores != hiding_stores_ ||
             (!hiding_stores_ && cache.IsFlushed(newest_time_, newest_cas_))) {
    change = hiding_stores ? FlushChange::kFlushing : FlushChange::kFlushed;
  }
  in_effect_ = in_effect;
  hiding_stores_ = hiding_stores;
  newest_time_ = now;
  newest_cas_ = cache.cas_id();
  return change;
}

}  // namespace mcspec::sim
