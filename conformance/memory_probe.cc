#include "memory_probe.h"

#include <optional>

namespace mcspec::conformance {
namespace {

// Sends one stats request and reads its reply up to END.
std::optional<ref::StatMap> AskStats(Connection& connection, std::string_view request,
                                     std::chrono::milliseconds timeout, std::string* error) {
  std::string line;
  line.append(request).append("\r\n");
  if (!connection.Send(line)) {
    *error = "the connection failed";
    return std::nullopt;
  }
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!(reply == "END\r\n" || reply.ends_with("\r\nEND\r\n"))) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (reply.starts_with("ERROR") || reply.starts_with("CLIENT_ERROR") ||
        reply.starts_with("SERVER_ERROR")) {
      error->assign("`").append(request).append("` was refused: ");
      error->append(reply, 0, reply.find('\r'));
      return std::nullopt;
    }
    if (left.count() <= 0 || connection.Receive(&reply, left) != Connection::Status::kData) {
      error->assign("no complete answer to `").append(request).append("`");
      return std::nullopt;
    }
  }
  std::optional<ref::StatMap> parsed = ref::ParseStatReply(reply);
  if (!parsed) {
    error->assign("the answer to `").append(request).append("` is not a list of STAT lines");
  }
  return parsed;
}

}  // namespace

bool ProbeMemoryStats(Connection& connection, std::chrono::milliseconds timeout,
                      std::vector<ref::MemoryStat>* report, std::string* error) {
  ref::MemoryStatsInput input;
  std::optional<ref::StatMap> general = AskStats(connection, "stats", timeout, error);
  if (!general) return false;
  std::optional<ref::StatMap> slabs = AskStats(connection, "stats slabs", timeout, error);
  if (!slabs) return false;
  std::optional<ref::StatMap> items = AskStats(connection, "stats items", timeout, error);
  if (!items) return false;
  input.general = std::move(*general);
  input.slabs = std::move(*slabs);
  input.items = std::move(*items);
  return ref::ComputeMemoryStats(input, report, error);
}

}  // namespace mcspec::conformance
