// The reference's consistency rules: what must hold between any two inputs,
// whatever the input was. The fuzzers check them after every write and the
// property tests after every request; a breach is a bug in the reference.
//
// - The key index and the LRU lists hold exactly the same items: every list
//   is well linked (prev/next agree, the tail is the last item), holds items
//   of its own class and type, and its item count and byte total are the
//   ones kept for it; every listed item is the one indexed under its key, and
//   the index holds no other.
// - curr_items and curr_bytes are the count and the size of the listed items.
// - Every slab class has at least as many chunks in use as the listed items
//   and the maintainer's bump queue holds occupy (more only while a request
//   holds an item it is still reading, or a page is being moved), and when
//   the server is `quiescent`, exactly as many.
// - Memory: pages beyond the limit are only first pages of their classes
//   (memcached always grants a class its first page).
// - Statistics: cmd_get = get_hits + get_misses; cmd_touch = touch_hits +
//   touch_misses; and the identities of `stats memory` (total.allocated =
//   overhead.total + dataset.bytes, keys.count = curr_items, dataset.bytes =
//   bytes, allocator.allocated <= allocator.active, peak >= total).
#ifndef MCSPEC_REFERENCE_INVARIANTS_H_
#define MCSPEC_REFERENCE_INVARIANTS_H_

#include <string>

#include "server.h"

namespace mcspec::ref {

// Empty when every rule holds, else the first breach found, in words.
// `quiescent`: no session is in the middle of a request's value.
std::string FirstInvariantBreach(const Server& server, bool quiescent);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_INVARIANTS_H_
