#include "flush_watch.h"

namespace mcspec::sim {

FlushChange FlushWatch::Observe(const ref::Cache& cache, ref::RelTime now) {
  const bool newest_hidden_now = cache.IsFlushed(newest_time_, newest_cas_);
  // An item stored now gets `now` as its time and a unique above
  // oldest_cas: hidden exactly when the clock is at oldest_live.
  const bool hiding_stores = cache.oldest_live() != 0 && cache.oldest_live() == now;
  const bool in_effect = cache.oldest_live() != 0 && cache.oldest_live() <= now;
  FlushChange change = FlushChange::kNone;
  if (in_effect_ && !in_effect) {
    change = FlushChange::kRestored;
  } else if (hiding_stores != hiding_stores_ || (!newest_hidden_ && newest_hidden_now)) {
    change = hiding_stores ? FlushChange::kFlushing : FlushChange::kFlushed;
  }
  in_effect_ = in_effect;
  newest_time_ = now;
  newest_cas_ = cache.cas_id();
  newest_hidden_ = cache.IsFlushed(newest_time_, newest_cas_);
  hiding_stores_ = hiding_stores;
  return change;
}

}  // namespace mcspec::sim
