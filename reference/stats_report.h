// Rendering of the reference server's statistics in memcached 1.6.18's exact
// `stats` formats: names, order, value formats, and the lines that appear only
// under some settings. Each function appends "STAT name value\r\n" lines
// (without the final "END\r\n").
#ifndef MCSPEC_REFERENCE_STATS_REPORT_H_
#define MCSPEC_REFERENCE_STATS_REPORT_H_

#include <string>

#include "server.h"

namespace mcspec::ref {

void AppendGeneralStats(const Server& server, std::string* out);   // `stats`
void AppendSettingsStats(const Server& server, std::string* out);  // `stats settings`
void AppendItemsStats(const Server& server, std::string* out);     // `stats items`
void AppendSlabsStats(const Server& server, std::string* out);     // `stats slabs`

}  // namespace mcspec::ref

#endif  // MCSPEC_REFERENCE_STATS_REPORT_H_
