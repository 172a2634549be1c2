// A child process for tests: started with its standard input and output on
// pipes (or inherited), stopped and reaped when the object goes away.
#ifndef MCSPEC_REFERENCE_TESTING_CHILD_PROCESS_H_
#define MCSPEC_REFERENCE_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace mcspec::testing {

class ChildProcess {
 public:
  enum class Stderr { kInherit, kDiscard, kFile };
  // Starts argv[0] (searched in PATH) with the given arguments. With `pipes`,
  // the child's stdin and stdout are connected to this object. With
  // Stderr::kFile, its standard error goes to `stderr_path`.
  ChildProcess(const std::vector<std::string>& argv, bool pipes,
               Stderr stderr_mode = Stderr::kInherit, const std::string& stderr_path = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True while the child has not exited.
  bool Running();
  // Writes all bytes to the child's stdin.
  bool Write(std::string_view bytes);
  // Reads from the child's stdout until `out` ends with `terminator`, or the
  // deadline passes (false).
  bool ReadUntil(std::string_view terminator, std::string* out, std::chrono::milliseconds timeout);
  void Stop();
  // Sends a signal; waits for the child to exit and returns its wait status.
  void Signal(int signal);
  int Wait();

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
};

// Reads from `fd` until `out` ends with `terminator` or the timeout passes.
bool ReadFdUntil(int fd, std::string_view terminator, std::string* out,
                 std::chrono::milliseconds timeout);
bool WriteFdAll(int fd, std::string_view bytes);

}  // namespace mcspec::testing

#endif  // MCSPEC_REFERENCE_TESTING_CHILD_PROCESS_H_
