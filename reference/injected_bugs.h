// Deliberate faults the simulator's tests switch on to show that mcsim finds
// them. All are off by default and nothing but tests, `mcsim run
// --inject-bug NAME` and mcref's hidden `--inject-bug NAME` (for the tests of
// `mcsim run --target`) turns them on; a server with none set is memcached.
#ifndef MCSPEC_REFERENCE_INJECTED_BUGS_H_
#define MCSPEC_REFERENCE_INJECTED_BUGS_H_

#include <string_view>

namespace mcspec::ref {

struct InjectedBugs {
  // cas also accepts a unique one below the item's (a client one version behind wins).
  bool cas_off_by_one = false;
  // append answers STORED without changing the item.
  bool lost_append = false;
  // An item is still returned during the second its expiry time names.
  bool late_expiry = false;
  // An eviction frees the item's memory and reports the eviction but leaves
  // the item linked: it stays findable while its chunk holds another item.
  bool evict_without_unlink = false;

  bool any() const { return cas_off_by_one || lost_append || late_expiry || evict_without_unlink; }
  // Turns on the bug called `name` (as above, e.g. "lost_append"); false when
  // there is none of that name.
  bool Enable(std::string_view name) {
    if (name == "cas_off_by_one") return cas_off_by_one = true;
    if (name == "lost_append") return lost_append = true;
    if (name == "late_expiry") return late_expiry = true;
    if (name == "evict_without_unlink") return evict_without_unlink = true;
    return false;
  }
};

inline constexpr std::string_view kInjectedBugNames[] = {"cas_off_by_one", "lost_append",
                                                         "late_expiry", "evict_without_unlink"};

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_INJECTED_BUGS_H_
