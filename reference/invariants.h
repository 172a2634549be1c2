// The reference's consistency rules: what must hold between any two inputs,
// whatever the input was. The session fuzzer and the property tests check them
// after every request, the UDP fuzzer after every datagram; a breach is a bug
// in the reference.
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
//   touch_misses; and the identities of `stats memory` (keys.count =
//   curr_items, dataset.bytes = bytes, allocator.allocated <=
//   allocator.active), checked on the numbers that report is computed from
//   rather than on its text, so that a check costs a walk over the items and
//   the classes, not a rendering. FirstMemoryReportBreach checks the text.
#ifndef MCSPEC_REFERENCE_INVARIANTS_H_
#define MCSPEC_REFERENCE_INVARIANTS_H_

#include <string>

#include "server.h"

namespace mcspec::ref {

// Empty when every rule holds, else the first breach found, in words.
// `quiescent`: no session is in the middle of a request's value.
std::string FirstInvariantBreach(const Server& server, bool quiescent);

// The `stats memory` identities on the report's text, as a client reads it
// (total.allocated = overhead.total + dataset.bytes as well), and that its
// figures are the numbers FirstInvariantBreach checks. Slower: it renders and
// parses the `stats` families.
std::string FirstMemoryReportBreach(const Server& server);

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_INVARIANTS_H_
