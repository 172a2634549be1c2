#include "case_scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "suite_loader.h"

namespace mcspec::conformance {
namespace {

// Counts how many cases are inside a Send at once, across all targets, and
// what the most was while an exclusive case (its bytes start with "x") was.
struct Overlap {
  std::atomic<int> active{0};
  std::atomic<int> most{0};
  std::atomic<int> most_during_exclusive{0};
};

class EchoConnection : public Connection {
 public:
  explicit EchoConnection(Overlap& overlap) : overlap_(overlap) {}
  bool Send(std::string_view bytes) override {
    const int now = ++overlap_.active;
    overlap_.most = std::max(overlap_.most.load(), now);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (bytes.starts_with("x")) {
      overlap_.most_during_exclusive =
          std::max(overlap_.most_during_exclusive.load(), overlap_.active.load());
    }
    --overlap_.active;
    pending_ += "OK\r\n";
    return true;
  }
  Status Receive(std::string* out, std::chrono::milliseconds) override {
    if (pending_.empty()) return Status::kTimeout;
    out->append(pending_);
    pending_.clear();
    return Status::kData;
  }

 private:
  Overlap& overlap_;
  std::string pending_;
};

class EchoTarget : public Target {
 public:
  EchoTarget(Overlap& overlap, bool private_server)
      : overlap_(overlap), private_server_(private_server) {}
  std::string name() const override { return "echo"; }
  TargetCapabilities capabilities() override { return {}; }
  bool private_server() const override { return private_server_; }
  bool BeginCase(const CaseNeeds&, std::string* skip_reason, std::string*) override {
    skip_reason->clear();
    return true;
  }
  std::unique_ptr<Connection> Connect(std::string*) override {
    return std::make_unique<EchoConnection>(overlap_);
  }
  std::unique_ptr<Connection> ConnectDatagram(std::string* error) override {
    *error = "echo has no UDP port";
    return nullptr;
  }
  ClockMove AdvanceClock(int64_t, std::string* error) override {
    *error = "echo has no clock";
    return ClockMove::kFailed;
  }

 private:
  Overlap& overlap_;
  bool private_server_;
};

std::vector<TestCase> Cases() {
  std::string text = "defaults: {spec: Commands}\ncases:\n";
  for (int i = 0; i < 40; ++i) {
    const bool exclusive = i % 10 == 3;
    text += "  - id: c" + std::to_string(i) + "\n" + (exclusive ? "    exclusive: true\n" : "") +
            "    steps:\n      - send: '" + (exclusive ? "x" : "n") +
            "\\r\\n'\n        expect: 'OK\\r\\n'\n";
  }
  LoadResult loaded;
  LoadSuiteText("s.yaml", text, &loaded);
  EXPECT_TRUE(loaded.errors.empty()) << loaded.errors[0].ToString();
  return loaded.cases;
}

std::vector<size_t> RunAll(const std::vector<TestCase>& cases, Overlap& overlap,
                           bool private_server, int jobs) {
  std::vector<const TestCase*> list;
  for (const TestCase& test : cases) list.push_back(&test);
  std::vector<size_t> order;
  size_t last_progress = 0;
  std::string error;
  EXPECT_TRUE(RunCases(
      list,
      [&](std::string*) -> std::unique_ptr<Target> {
        return std::make_unique<EchoTarget>(overlap, private_server);
      },
      jobs, RunnerOptions{},
      [&](size_t index, const CaseResult& result) {
        EXPECT_EQ(result.outcome, CaseResult::Outcome::kPassed) << result.detail;
        order.push_back(index);
      },
      [&](size_t finished) {
        EXPECT_GT(finished, last_progress);
        last_progress = finished;
      },
      &error));
  EXPECT_EQ(last_progress, cases.size());
  return order;
}

std::vector<size_t> InOrder(size_t n) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  return order;
}

TEST(CaseScheduler, SharedServerRunsExclusiveCasesAlone) {
  const std::vector<TestCase> cases = Cases();
  Overlap overlap;
  EXPECT_EQ(RunAll(cases, overlap, false, 8), InOrder(cases.size()));
  EXPECT_GT(overlap.most.load(), 1);
  EXPECT_EQ(overlap.most_during_exclusive.load(), 1);
}

TEST(CaseScheduler, PrivateServersRunEverythingTogether) {
  const std::vector<TestCase> cases = Cases();
  Overlap overlap;
  EXPECT_EQ(RunAll(cases, overlap, true, 8), InOrder(cases.size()));
  EXPECT_GT(overlap.most.load(), 1);
}

TEST(CaseScheduler, OneJobRunsOneCaseAtATime) {
  const std::vector<TestCase> cases = Cases();
  Overlap overlap;
  EXPECT_EQ(RunAll(cases, overlap, false, 1), InOrder(cases.size()));
  EXPECT_EQ(overlap.most.load(), 1);
}

TEST(CaseScheduler, ReportsATargetThatCannotBeMade) {
  const std::vector<TestCase> cases = Cases();
  std::vector<const TestCase*> list = {&cases[0]};
  std::string error;
  EXPECT_FALSE(RunCases(
      list,
      [](std::string* e) -> std::unique_ptr<Target> {
        *e = "no server";
        return nullptr;
      },
      2, RunnerOptions{}, [](size_t, const CaseResult&) {}, nullptr, &error));
  EXPECT_EQ(error, "no server");
}

}  // namespace
}  // namespace mcspec::conformance
