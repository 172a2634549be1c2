#include "suite_loader.h"

#include <gtest/gtest.h>

namespace mcspec::conformance {
namespace {

// Loads `text` as suite "t.yaml" and returns the single error as "line: reason".
std::string ErrorOf(std::string_view text) {
  LoadResult result;
  LoadSuiteText("dir/t.yaml", text, &result);
  if (result.errors.size() != 1)
    return "expected one error, got " + std::to_string(result.errors.size());
  EXPECT_EQ(result.errors[0].file, "dir/t.yaml");
  EXPECT_TRUE(result.cases.empty());
  return std::to_string(result.errors[0].line) + ": " + result.errors[0].reason;
}

TEST(SuiteLoader, LoadsAValidCase) {
  LoadResult result;
  LoadSuiteText("specs/storage.yaml", R"(
defaults:
  spec: Storage commands
  tags: [storage]
cases:
  - id: set-get
    tags: [basic, storage]
    requires: [meta, clock-control]
    settings: '-o no_modern -m 8'
    steps:
      - send: 'set ${ns}k 0 0 1\r\nA\r\n'
        expect: 'STORED\r\n'
      - conn: other
        send: 'gets ${ns}k\r\n'
        expect_regex: 'VALUE \S+ 0 1 (?<cas>\d+)\r\nA\r\nEND\r\n'
      - send: 'cas ${ns}k 0 0 1 ${cas}\r\nB\r\n'
        expect_any_of: ['STORED\r\n', 'EXISTS\r\n']
      - send: 'delete ${ns}k noreply\r\n'
        expect_nothing_for: 50ms
      - advance: 2m
)",
                &result);
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
  ASSERT_EQ(result.cases.size(), 1u);
  const TestCase& test = result.cases[0];
  EXPECT_EQ(test.id, "storage/set-get");
  EXPECT_EQ(test.line, 6);
  EXPECT_EQ(test.spec, "Storage commands");
  EXPECT_EQ(test.tags, (std::vector<std::string>{"basic", "storage"}));
  EXPECT_EQ(test.settings, (std::vector<std::string>{"-o", "no_modern", "-m", "8"}));
  ASSERT_EQ(test.steps.size(), 5u);
  EXPECT_EQ(test.steps[1].conn, "other");
  EXPECT_EQ(test.steps[1].line, 13);
  EXPECT_EQ(std::get<ExpectExact>(test.steps[2].action).alternatives.size(), 2u);
  EXPECT_EQ(std::get<ExpectNothing>(test.steps[3].action).duration.count(), 50);
  EXPECT_EQ(std::get<Advance>(test.steps[4].action).seconds, 120);
}

TEST(SuiteLoader, NamesFileLineAndReason) {
  EXPECT_EQ(ErrorOf("cases:\n  - id: a\n    spec: Nope\n    steps: [{send: x}]\n"),
            "3: spec `Nope` is not a section title of memcached 1.6.18's protocol.txt (see "
            "specs/README.md)");
  EXPECT_EQ(ErrorOf("cases:\n  - id: a\n    spec: Touch\n    stepz: []\n"),
            "4: unknown key `stepz` (allowed: id, description, spec, tags, requires, settings, "
            "exclusive, fresh, steps)");
  EXPECT_EQ(ErrorOf("cases:\n  - id: a\n    spec: Touch\n    steps: []\n"),
            "2: case `a` needs a non-empty list of `steps`");
  EXPECT_EQ(ErrorOf("cases: [\n"), "2: YAML: end of sequence flow not found");
}

TEST(SuiteLoader, RefusesMalformedSteps) {
  const std::string head = "defaults: {spec: Touch}\ncases:\n  - id: a\n    steps:\n";
  EXPECT_EQ(ErrorOf(head + "      - send: \"get k\\r\\n\"\n"),
            "5: send: write it plain or in single quotes; double quotes would make YAML decode "
            "the escapes mcconform decodes");
  EXPECT_EQ(ErrorOf(head + "      - send: 'get \\q'\n"),
            "5: send: unknown escape \\q (known: \\r \\n \\t \\0 \\\\ \\$ \\xNN)");
  EXPECT_EQ(ErrorOf(head + "      - send: 'cas k 0 0 1 ${cas}'\n"),
            "5: ${cas} is neither ns nor captured by an earlier expect_regex");
  EXPECT_EQ(ErrorOf(head + "      - expect: 'a${_}b'\n"),
            "5: expect: ${_} must be a whole token (between spaces or line ends)");
  EXPECT_EQ(ErrorOf(head + "      - {send: x, expect: y, expect_regex: z}\n"),
            "5: a step has at most one expectation or action");
  EXPECT_EQ(ErrorOf(head + "      - advance: 3s\n"),
            "5: advance needs `requires: [clock-control]`");
  EXPECT_EQ(ErrorOf(head + "      - expect_nothing_for: soon\n"),
            "5: expect_nothing_for `soon`: write a whole number with ms, s or m (50ms, 30s, 2m)");
  EXPECT_EQ(ErrorOf(head + "      - send: 'flush_all\\r\\n'\n"),
            "5: flush_all reaches beyond the case's keys: the case needs `exclusive: true`");
  EXPECT_EQ(ErrorOf(head + "      - stats_delta: {since: x, cmd_get: 1}\n"),
            "5: stats_delta reads server-wide counters: the case needs `exclusive: true`");
  EXPECT_EQ(ErrorOf(head + "      - expect_regex: '(?<x>a'\n").substr(0, 27),
            "5: expect_regex: bad regula");
  EXPECT_EQ(ErrorOf(head + "      - {conn: b}\n"), "5: a step needs `send` or an action");
}

// A conn whose first step sends a datagram is a UDP socket; the case then
// requires `udp`.
TEST(SuiteLoader, DatagramConnections) {
  const std::string head = "defaults: {spec: UDP protocol}\ncases:\n  - id: a\n    steps:\n";
  LoadResult loaded;
  LoadSuiteText("s.yaml",
                head + "      - {conn: u, datagram: 'x', expect: 'y'}\n      - {send: 'z'}\n",
                &loaded);
  ASSERT_TRUE(loaded.errors.empty()) << loaded.errors[0].ToString();
  const TestCase& test = loaded.cases[0];
  EXPECT_EQ(test.requires_capabilities, std::vector<Capability>{Capability::kUdp});
  EXPECT_TRUE(test.steps[0].datagram);
  EXPECT_FALSE(test.steps[1].datagram);

  EXPECT_EQ(ErrorOf(head + "      - {send: x, datagram: y}\n"),
            "5: a step has `send` or `datagram`, not both");
  EXPECT_EQ(ErrorOf(head + "      - {datagram: x}\n      - {send: y}\n"),
            "6: conn `main` is a UDP socket: use `datagram`, not `send`");
  EXPECT_EQ(ErrorOf(head + "      - {send: x}\n      - {datagram: y}\n"),
            "6: conn `main` is a TCP connection: `datagram` needs a conn of its own");
  EXPECT_EQ(ErrorOf(head + "      - {datagram: x}\n      - {expect_closed: true}\n"),
            "6: conn `main` is a UDP socket: expect_closed, stats_snapshot and stats_delta need a "
            "TCP connection");
}

TEST(SuiteLoader, RefusesBadCaseFields) {
  const std::string head = "defaults: {spec: Touch}\ncases:\n  - id: a\n";
  const std::string steps = "    steps: [{send: x}]\n";
  EXPECT_EQ(ErrorOf(head + "    settings: '-m nope'\n" + steps).substr(0, 21),
            "4: settings refused: ");
  EXPECT_EQ(ErrorOf(head + "    requires: [time-travel]\n" + steps),
            "4: unknown capability `time-travel` (known: clock-control, meta, ext, udp)");
  EXPECT_EQ(ErrorOf("defaults: {spec: Touch}\ncases:\n  - id: Bad!\n" + steps),
            "3: id `Bad!`: use a-z, 0-9, _, - and .");
  EXPECT_EQ(ErrorOf(head + steps + "  - id: a\n" + steps), "5: duplicate id `a`");
}

TEST(SuiteLoader, MissingPathIsAnError) {
  const LoadResult result = LoadSuites({"/nonexistent/suite.yaml"});
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].ToString(), "/nonexistent/suite.yaml: no such file or directory");
}

TEST(SuiteLoader, TheSpecsLoad) {
  const LoadResult result = LoadSuites({MCSPEC_SPECS_DIR});
  for (const LoadError& error : result.errors) ADD_FAILURE() << error.ToString();
  EXPECT_GE(result.cases.size(), 60u);
}

}  // namespace
}  // namespace mcspec::conformance
