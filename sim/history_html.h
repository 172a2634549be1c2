// A failing history drawn as one self-contained HTML page (inline CSS and
// SVG, nothing fetched), because a picture of the intervals shows a
// linearizability failure faster than a list does.
//
// For each failing key: one lane per process, each operation an interval
// from its invoke to its completion labelled with its request and result
// (`info` and never-completed ones drawn open-ended, `fail` ones faded), the
// moment by which no linearization exists marked with a line, the operations
// that could not go next highlighted with the reason, and the longest
// linearizable order listed. Around a large key only the neighbourhood of the
// failure is drawn; the order is always listed whole. All text is escaped.
#ifndef MCSPEC_SIM_HISTORY_HTML_H_
#define MCSPEC_SIM_HISTORY_HTML_H_

#include <string>
#include <string_view>
#include <vector>

#include "linearizability.h"

namespace mcspec::sim {

std::string RenderFailuresHtml(std::string_view title, const std::vector<KeyFailure>& failures);

}  // namespace mcspec::sim

#endif  // MCSPEC_SIM_HISTORY_HTML_H_
