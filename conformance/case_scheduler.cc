#include "case_scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace mcspec::conformance {
namespace {

// The state the workers share: the queue of case indexes still to start and
// the results as they finish.
class Run {
 public:
  Run(const std::vector<const TestCase*>& cases, const RunnerOptions& options)
      : cases_(cases), options_(options), results_(cases.size()) {}

  void Enqueue(std::vector<size_t> order) {
    std::lock_guard lock(mutex_);
    queue_ = std::move(order);
    next_ = 0;
  }

  // Runs queued cases on `target` until the queue is empty.
  void Work(Target& target) {
    while (true) {
      size_t index = 0;
      {
        std::lock_guard lock(mutex_);
        if (next_ == queue_.size()) return;
        index = queue_[next_++];
      }
      CaseResult result = RunCase(*cases_[index], target, options_);
      {
        std::lock_guard lock(mutex_);
        results_[index] = std::move(result);
        ++finished_count_;
      }
      finished_.notify_all();
    }
  }

  // Hands out results in list order as they become available, and progress
  // whenever more have finished, until every case has been delivered.
  void Deliver(const ResultCallback& on_result, const ProgressCallback& on_progress) {
    size_t delivered = 0;
    size_t reported = 0;
    while (delivered < results_.size()) {
      size_t finished = 0;
      std::vector<std::pair<size_t, CaseResult>> ready;
      {
        std::unique_lock lock(mutex_);
        finished_.wait(lock, [&] { return finished_count_ > reported; });
        finished = finished_count_;
        while (delivered < results_.size() && results_[delivered].has_value()) {
          ready.emplace_back(delivered, std::move(*results_[delivered]));
          ++delivered;
        }
      }
      for (const auto& [index, result] : ready) on_result(index, result);
      if (on_progress) on_progress(finished);
      reported = finished;
    }
  }

 private:
  const std::vector<const TestCase*>& cases_;
  const RunnerOptions& options_;
  std::mutex mutex_;
  std::condition_variable finished_;
  std::vector<size_t> queue_;
  size_t next_ = 0;
  std::vector<std::optional<CaseResult>> results_;
  size_t finished_count_ = 0;
};

// Settings as one sortable key; cases without settings first.
std::string SettingsKey(const TestCase& test) {
  if (!test.settings) return "";
  std::string key = "=";
  for (const std::string& flag : *test.settings) key += flag + " ";
  return key;
}

}  // namespace

bool RunCases(const std::vector<const TestCase*>& cases, const TargetFactory& make_target, int jobs,
              const RunnerOptions& options, const ResultCallback& on_result,
              const ProgressCallback& on_progress, std::string* error) {
  if (cases.empty()) return true;
  const size_t workers = std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), cases.size());
  std::vector<std::unique_ptr<Target>> targets;
  for (size_t i = 0; i < workers; ++i) {
    std::unique_ptr<Target> target = make_target(error);
    if (!target) return false;
    targets.push_back(std::move(target));
  }

  // Phases: on private servers everything runs together; on a shared server
  // the exclusive cases follow the others, alone.
  const bool shared = !targets[0]->private_server();
  std::vector<size_t> together;
  std::vector<size_t> alone;
  for (size_t i = 0; i < cases.size(); ++i) {
    (shared && cases[i]->exclusive ? alone : together).push_back(i);
  }
  auto by_settings = [&](std::vector<size_t>* phase) {
    std::stable_sort(phase->begin(), phase->end(), [&](size_t a, size_t b) {
      return SettingsKey(*cases[a]) < SettingsKey(*cases[b]);
    });
  };
  by_settings(&together);
  by_settings(&alone);

  Run run(cases, options);
  std::thread coordinator([&] {
    run.Enqueue(together);
    std::vector<std::thread> threads;
    for (size_t i = 1; i < workers; ++i) {
      threads.emplace_back([&run, &target = *targets[i]] { run.Work(target); });
    }
    run.Work(*targets[0]);
    for (std::thread& thread : threads) thread.join();
    run.Enqueue(alone);
    run.Work(*targets[0]);
  });
  run.Deliver(on_result, on_progress);
  coordinator.join();
  return true;
}

}  // namespace mcspec::conformance
