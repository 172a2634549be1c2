#include "session.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server.h"
#include "settings.h"
#include "testing/test_connection.h"

namespace mcspec::ref {
namespace {

using namespace std::string_literals;

// A server with one client connection; Send returns what memcached would have
// written back for those bytes.
using Connection = testing::TestConnection;

std::string LongKey(size_t length) {
  return std::string(length, 'L');
}

constexpr std::string_view kBadFormat = "CLIENT_ERROR bad command line format\r\n";

// --- storage commands ---------------------------------------------------------

TEST(SessionStorage, SetThenGet) {
  Connection c;
  EXPECT_EQ(c.Send("set k 0 0 1\r\nA\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("get k\r\n"), "VALUE k 0 1\r\nA\r\nEND\r\n");
  EXPECT_EQ(c.Send("set k 5 0 3\r\nabc\r\nget k\r\n"), "STORED\r\nVALUE k 5 3\r\nabc\r\nEND\r\n");
}

TEST(SessionStorage, AddStoresOnlyWhenAbsent) {
  Connection c;
  EXPECT_EQ(c.Send("add k 0 0 1\r\na\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("add k 0 0 1\r\nb\r\n"), "NOT_STORED\r\n");
  EXPECT_EQ(c.Send("get k\r\n"), "VALUE k 0 1\r\na\r\nEND\r\n");
}

TEST(SessionStorage, ReplaceStoresOnlyWhenPresent) {
  Connection c;
  EXPECT_EQ(c.Send("replace k 0 0 1\r\na\r\n"), "NOT_STORED\r\n");
  EXPECT_EQ(c.Send("set k 0 0 1\r\na\r\nreplace k 3 0 1\r\nb\r\n"), "STORED\r\nSTORED\r\n");
  EXPECT_EQ(c.Send("get k\r\n"), "VALUE k 3 1\r\nb\r\nEND\r\n");
}

TEST(SessionStorage, AppendAndPrependKeepTheOldFlags) {
  Connection c;
  EXPECT_EQ(c.Send("append ap 0 0 1\r\nx\r\nprepend ap 0 0 1\r\nx\r\n"),
            "NOT_STORED\r\nNOT_STORED\r\n");
  EXPECT_EQ(c.Send("set ap 7 0 2\r\nab\r\nappend ap 99 0 2\r\ncd\r\nprepend ap 5 0 2\r\nzz\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\n");
  EXPECT_EQ(c.Send("get ap\r\n"), "VALUE ap 7 6\r\nzzabcd\r\nEND\r\n");
}

TEST(SessionStorage, AppendKeepsTheOldExptime) {
  Connection c;
  EXPECT_EQ(c.Send("set ae 0 10 1\r\na\r\nappend ae 0 0 1\r\nb\r\n"), "STORED\r\nSTORED\r\n");
  c.AdvanceClock(10);
  EXPECT_EQ(c.Send("get ae\r\n"), "END\r\n");
}

TEST(SessionStorage, CasComparesTheUniqueValue) {
  Connection c;
  EXPECT_EQ(c.Send("cas a 0 0 1 5\r\nx\r\n"), "NOT_FOUND\r\n");
  EXPECT_EQ(c.Send("cas a 0 0 1 0\r\nx\r\n"), "NOT_FOUND\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\ngets a\r\n"), "STORED\r\nVALUE a 0 1 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("cas a 0 0 1 999\r\ny\r\n"), "EXISTS\r\n");
  EXPECT_EQ(c.Send("cas a 0 0 1 0\r\ny\r\n"), "EXISTS\r\n");
  EXPECT_EQ(c.Send("cas a 0 0 1 1\r\ny\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("gets a\r\n"), "VALUE a 0 1 2\r\ny\r\nEND\r\n");
  EXPECT_EQ(c.Send("cas a 0 0 1 1\r\nz\r\n"), "EXISTS\r\n");
}

TEST(SessionStorage, NoreplySilencesEveryStorageCommand) {
  Connection c;
  EXPECT_EQ(c.Send("set k 0 0 1 noreply\r\na\r\n"), "");
  EXPECT_EQ(c.Send("add k 0 0 1 noreply\r\nb\r\n"), "");
  EXPECT_EQ(c.Send("replace k 0 0 1 noreply\r\nc\r\n"), "");
  EXPECT_EQ(c.Send("append k 0 0 1 noreply\r\nd\r\n"), "");
  EXPECT_EQ(c.Send("prepend k 0 0 1 noreply\r\ne\r\n"), "");
  EXPECT_EQ(c.Send("cas k 0 0 1 999 noreply\r\nf\r\n"), "");
  EXPECT_EQ(c.Send("gets k\r\n"), "VALUE k 0 3 4\r\necd\r\nEND\r\n");
  EXPECT_EQ(c.Send("cas k 0 0 1 4 noreply\r\ng\r\nget k\r\n"), "VALUE k 0 1\r\ng\r\nEND\r\n");
}

TEST(SessionStorage, OnlyTheLastTokenIsNoreply) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1 junk\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1 NOREPLY\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1 norepl\r\nx\r\n"), "STORED\r\n");
}

TEST(SessionStorage, WrongTokenCountIsErrorAndTheDataLineIsACommand) {
  Connection c;
  EXPECT_EQ(c.Send("set s 0 0\r\nabc\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(c.Send("cas s 0 0 3\r\nabc\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1 junk junk\r\nx\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1 noreply x\r\nx\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set\r\n"), "ERROR\r\n");
}

TEST(SessionStorage, BadNumbersAreRejectedWithoutSwallowingTheData) {
  Connection c;
  EXPECT_EQ(c.Send("set s x 0 1\r\nz\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set s 0 1.5 1\r\nz\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set s 0 0 1x\r\nz\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set s -1 0 1\r\nz\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set s 18446744073709551616 0 1\r\nz\r\n"),
            "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("cas s 0 0 1 x\r\nz\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("cas s 0 0 1 -1\r\nz\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("get s\r\n"), "END\r\n");
}

TEST(SessionStorage, FlagsAreTruncatedTo32Bits) {
  Connection c;
  EXPECT_EQ(c.Send("set s 4294967297 0 1\r\nx\r\nget s\r\n"),
            "STORED\r\nVALUE s 1 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("set s 4294967295 0 1\r\nx\r\nget s\r\n"),
            "STORED\r\nVALUE s 4294967295 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("set s -18446744073709551615 0 1\r\nx\r\nget s\r\n"),
            "STORED\r\nVALUE s 1 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("set s 010 0 1\r\nx\r\nget s\r\n"), "STORED\r\nVALUE s 10 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("set s 7\t8 0 1\r\nx\r\nget s\r\n"), "STORED\r\nVALUE s 7 1\r\nx\r\nEND\r\n");
}

TEST(SessionStorage, NegativeAndTruncatedLengths) {
  Connection c;
  EXPECT_EQ(c.Send("set s 0 0 -1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set s 0 0 2147483646\r\n"), kBadFormat);
  EXPECT_EQ(c.Send("set s 0 0 2147483648\r\n"), kBadFormat);  // truncates to a negative length
  EXPECT_EQ(c.Send("set s 0 0 9223372036854775808\r\n"), kBadFormat);
  EXPECT_EQ(c.Send("set s 0 0 -0\r\n\r\nget s\r\n"), "STORED\r\nVALUE s 0 0\r\n\r\nEND\r\n");
  EXPECT_EQ(c.Send("set s 0 0 4294967299\r\nabc\r\nget s\r\n"),
            "STORED\r\nVALUE s 0 3\r\nabc\r\nEND\r\n");
  EXPECT_EQ(c.Send("set s 0 0 4294967296\r\n\r\nget s\r\n"),
            "STORED\r\nVALUE s 0 0\r\n\r\nEND\r\n");
}

TEST(SessionStorage, DataBlockBytesAreNeverInterpreted) {
  Connection c;
  EXPECT_EQ(c.Send("set bc7 0 0 4\r\na\r\nb\r\nget bc7\r\n"),
            "STORED\r\nVALUE bc7 0 4\r\na\r\nb\r\nEND\r\n");
  EXPECT_EQ(c.Send("set nv 0 0 3\r\na\0b\r\nget nv\r\n"s),
            "STORED\r\nVALUE nv 0 3\r\na\0b\r\nEND\r\n"s);
}

TEST(SessionStorage, BadDataChunkConsumesExactlyLengthPlusTwoBytes) {
  Connection c;
  // The leftover "\r\n" is the one-byte line "\r".
  EXPECT_EQ(c.Send("set bc 0 0 3\r\nabcde\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set bc3 0 0 3\r\nabc\nversion\r\n"),
            "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(c.Send("set bc3 0 0 3\r\nabc\r\r\nversion\r\n"),
            "CLIENT_ERROR bad data chunk\r\nERROR\r\nVERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send("set bc2 0 0 3\r\nabc"), "");
  EXPECT_EQ(c.Send("XYversion\r\nget bc2\r\n"),
            "CLIENT_ERROR bad data chunk\r\nVERSION 1.6.18\r\nEND\r\n");
}

TEST(SessionStorage, BadDataChunkKeepsTheOldValueAndConsumesNoCas) {
  Connection c;
  EXPECT_EQ(c.Send("set bc6 0 0 1\r\nq\r\nset bc6 0 0 1\r\nzz\r\nget bc6\r\n"),
            "STORED\r\nCLIENT_ERROR bad data chunk\r\nERROR\r\nVALUE bc6 0 1\r\nq\r\nEND\r\n");
  EXPECT_EQ(c.Send("set n 0 0 1\r\nx\r\ngets n\r\n"), "STORED\r\nVALUE n 0 1 2\r\nx\r\nEND\r\n");
}

TEST(SessionStorage, BadDataChunkWinsOverACasMismatch) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\ncas a 0 0 1 77\r\nxyz\r\n"),
            "STORED\r\nCLIENT_ERROR bad data chunk\r\nERROR\r\n");
}

TEST(SessionStorage, TooLargeValueBoundary) {
  Connection c;
  // 48 header + 2 key + 1048516+2 data + 8 cas = 1048576.
  EXPECT_EQ(c.Send("set k 0 0 1048516\r\n" + std::string(1048516, 'v') + "\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("set k 0 0 1048517\r\n" + std::string(1048517, 'v') + "\r\n"),
            "SERVER_ERROR object too large for cache\r\n");
  // Client flags take four more bytes.
  EXPECT_EQ(c.Send("set k 1 0 1048512\r\n" + std::string(1048512, 'v') + "\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("set k 1 0 1048513\r\n" + std::string(1048513, 'v') + "\r\n"),
            "SERVER_ERROR object too large for cache\r\n");
}

TEST(SessionStorage, TooLargeValueIsSwallowedAndAnsweredAfterwards) {
  Connection c;
  // 1048602 bytes are swallowed; the first 14 arrive with the request line.
  EXPECT_EQ(c.Send("set big 0 0 1048600\r\nabc\r\nversion\r\n"), "");
  EXPECT_EQ(c.Send(std::string(1048602 - 14, 'x')), "SERVER_ERROR object too large for cache\r\n");
  EXPECT_EQ(c.Send("version\r\n"), "VERSION 1.6.18\r\n");
}

TEST(SessionStorage, SwallowedBytesNeedNotEndInCrLf) {
  Connection c;
  EXPECT_EQ(c.Send("set big 0 0 2000000\r\n" + std::string(2000002, 'x') + "version\r\n"),
            "SERVER_ERROR object too large for cache\r\nVERSION 1.6.18\r\n");
}

TEST(SessionStorage, FailedSetRemovesTheOldValueOtherCommandsKeepIt) {
  const std::string big_data = std::string(2000000, 'x') + "\r\n";
  for (const std::string command :
       {"add big 0 0 2000000", "replace big 0 0 2000000", "append big 0 0 2000000",
        "prepend big 0 0 2000000", "cas big 0 0 2000000 1"}) {
    Connection c;
    EXPECT_EQ(c.Send(std::string("set big 0 0 1\r\nx\r\n")
                         .append(command)
                         .append("\r\n")
                         .append(big_data)
                         .append("get big\r\n")),
              "STORED\r\nSERVER_ERROR object too large for cache\r\nVALUE big 0 1\r\nx\r\nEND\r\n")
        << command;
  }
  Connection c;
  EXPECT_EQ(c.Send("set big 0 0 1\r\nx\r\nset big 0 0 2000000\r\n" + big_data + "get big\r\n"),
            "STORED\r\nSERVER_ERROR object too large for cache\r\nEND\r\n");
}

TEST(SessionStorage, AppendBeyondTheSizeLimitIsNotStored) {
  Connection c;
  const std::string half = std::string(600000, 'a');
  EXPECT_EQ(c.Send("set a 0 0 600000\r\n" + half + "\r\nappend a 0 0 600000\r\n" + half + "\r\n"),
            "STORED\r\nNOT_STORED\r\n");
}

TEST(SessionStorage, NoreplySuppressesErrorsButNotWrongTokenCounts) {
  Connection c;
  EXPECT_EQ(c.Send("set " + LongKey(251) + " 0 0 1 noreply\r\nz\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("set big 0 0 1048600 noreply\r\n" + std::string(1048602, 'x') + "version\r\n"),
            "VERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send("set bc5 0 0 3 noreply\r\nabcde\r\nversion\r\n"), "ERROR\r\nVERSION 1.6.18\r\n");
  // noreply in the length position: noreply mode, and the length fails to parse.
  EXPECT_EQ(c.Send("set s 0 0 noreply\r\nabc\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("set s 0 0 1 x noreply\r\nabc\r\n"), "ERROR\r\nERROR\r\n");
}

TEST(SessionStorage, CasCounterMovesOnStoresIncrAndEffectiveFlushes) {
  Connection c;
  EXPECT_EQ(
      c.Send("set a 0 0 1\r\nx\r\nappend a 0 0 1\r\ny\r\nprepend a 0 0 1\r\nz\r\n"
             "touch a 0\r\nadd a 0 0 1\r\nx\r\ngets a\r\n"),
      "STORED\r\nSTORED\r\nSTORED\r\nTOUCHED\r\nNOT_STORED\r\nVALUE a 0 3 3\r\nzxy\r\nEND\r\n");
  EXPECT_EQ(c.Send("replace a 0 0 1\r\nx\r\nset n 0 0 2\r\n10\r\nincr n 1\r\ngets a n\r\n"),
            "STORED\r\nSTORED\r\n11\r\nVALUE a 0 1 4\r\nx\r\nVALUE n 0 2 6\r\n11\r\nEND\r\n");
  EXPECT_EQ(c.Send("flush_all\r\nset b 0 0 1\r\nx\r\ngets b\r\n"),
            "OK\r\nSTORED\r\nVALUE b 0 1 8\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("delete b\r\nset big 0 0 2000000\r\n" + std::string(2000002, 'x') +
                   "set c 0 0 1\r\nx\r\ngats 0 c\r\ngets c\r\n"),
            "DELETED\r\nSERVER_ERROR object too large for cache\r\nSTORED\r\nVALUE c 0 1 "
            "9\r\nx\r\nEND\r\n"
            "VALUE c 0 1 9\r\nx\r\nEND\r\n");
}

TEST(SessionStorage, KeysMayHoldAnyByteButSpaceNewlineAndNul) {
  Connection c;
  EXPECT_EQ(c.Send("set a\x01\x7f\xff\tb 0 0 1\r\nx\r\nget a\x01\x7f\xff\tb\r\n"),
            "STORED\r\nVALUE a\x01\x7f\xff\tb 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("set a\rb 0 0 1\r\nx\r\nget a\rb\r\n"),
            "STORED\r\nVALUE a\rb 0 1\r\nx\r\nEND\r\n");
}

// --- keys of 250 and 251 bytes ------------------------------------------------

TEST(SessionKeys, TwoHundredFiftyBytesIsTheLongestKey) {
  Connection c;
  const std::string k250 = LongKey(250);
  EXPECT_EQ(c.Send("set " + k250 + " 0 0 1\r\nx\r\nget " + k250 + "\r\n"),
            "STORED\r\nVALUE " + k250 + " 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("touch " + k250 + " 0\r\ndelete " + k250 + "\r\n"), "TOUCHED\r\nDELETED\r\n");
}

TEST(SessionKeys, TwoHundredFiftyOneBytesIsRefusedByEveryCommand) {
  Connection c;
  const std::string k251 = LongKey(251);
  const std::string refused_with_data = "CLIENT_ERROR bad command line format\r\nERROR\r\n";
  for (const char* command : {"set", "add", "replace", "append", "prepend"}) {
    EXPECT_EQ(c.Send(std::string(command) + " " + k251 + " 0 0 1\r\nz\r\n"), refused_with_data)
        << command;
  }
  EXPECT_EQ(c.Send("cas " + k251 + " 0 0 1 1\r\nz\r\n"), refused_with_data);
  EXPECT_EQ(c.Send("set " + k251 + " x 0 1\r\nz\r\n"), refused_with_data);
  for (const std::string& line :
       {"get " + k251, "gets " + k251, "bget " + k251, "gat 0 " + k251, "gats 0 " + k251,
        "delete " + k251, "delete " + k251 + " 0", "incr " + k251 + " 1", "decr " + k251 + " 1",
        "incr " + k251 + " x", "touch " + k251 + " 1", "touch " + k251 + " x"}) {
    EXPECT_EQ(c.Send(line + "\r\n"), kBadFormat) << line;
  }
  EXPECT_EQ(c.Send("delete " + k251 + " 1\r\n"),
            "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
  EXPECT_EQ(c.Send("gat x " + k251 + "\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
}

// --- get family ---------------------------------------------------------------

TEST(SessionGet, MissingKeysAreSilentAndDuplicatesRepeat) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\nget a b a a\r\n"),
            "STORED\r\nVALUE a 0 1\r\nx\r\nVALUE a 0 1\r\nx\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("get nothing\r\n"), "END\r\n");
}

TEST(SessionGet, ManyKeysBeyondTheTokenLimit) {
  Connection c;
  std::string line = "get";
  for (int i = 0; i <= 40; ++i) line += " k" + std::to_string(i);
  line += " k5 k5\r\n";
  EXPECT_EQ(c.Send("set k5 0 0 1\r\n5\r\nset k22 0 0 2\r\n22\r\nset k23 0 0 2\r\n23\r\nset k40 0 0 "
                   "2\r\n40\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\nSTORED\r\n");
  EXPECT_EQ(
      c.Send(line),
      "VALUE k5 0 1\r\n5\r\nVALUE k22 0 2\r\n22\r\nVALUE k23 0 2\r\n23\r\nVALUE k40 0 2\r\n40\r\n"
      "VALUE k5 0 1\r\n5\r\nVALUE k5 0 1\r\n5\r\nEND\r\n");
}

TEST(SessionGet, GetsShowsTheCasValue) {
  Connection c;
  EXPECT_EQ(c.Send("set s 5 0 3\r\nabc\r\ngets s\r\n"),
            "STORED\r\nVALUE s 5 3 1\r\nabc\r\nEND\r\n");
}

TEST(SessionGet, BgetIsGet) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\nbget a b a\r\n"),
            "STORED\r\nVALUE a 0 1\r\nx\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("bget\r\n"), "ERROR\r\n");
}

TEST(SessionGet, GetWithoutKeyIsErrorButGatWithoutKeyIsEnd) {
  Connection c;
  EXPECT_EQ(c.Send("get\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("get \r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("gets\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("gat\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("gat 100\r\n"), "END\r\n");
  EXPECT_EQ(c.Send("gats 100\r\n"), "END\r\n");
}

TEST(SessionGet, GatSetsTheExptimeAndKeepsTheCas) {
  Connection c;
  EXPECT_EQ(c.Send("set g 0 0 1\r\nx\r\ngat 10 g\r\ngats 10 g nokey\r\n"),
            "STORED\r\nVALUE g 0 1\r\nx\r\nEND\r\nVALUE g 0 1 1\r\nx\r\nEND\r\n");
  c.AdvanceClock(9);
  EXPECT_EQ(c.Send("get g\r\n"), "VALUE g 0 1\r\nx\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get g\r\n"), "END\r\n");
}

TEST(SessionGet, GatNegativeExptimeExpiresAfterReturningTheValue) {
  Connection c;
  EXPECT_EQ(c.Send("set g 0 0 1\r\nx\r\ngat -1 g\r\nget g\r\n"),
            "STORED\r\nVALUE g 0 1\r\nx\r\nEND\r\nEND\r\n");
}

TEST(SessionGet, GatHasNoNoreplyAndChecksItsExptime) {
  Connection c;
  EXPECT_EQ(c.Send("set g 0 0 1\r\nx\r\ngat 0 g noreply\r\n"),
            "STORED\r\nVALUE g 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("gat x g\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
  EXPECT_EQ(c.Send("gats 1x g\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
}

TEST(SessionGet, TooLongKeyDiscardsThisGetsOutput) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\ny\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("get a " + LongKey(251) + " a\r\n"), kBadFormat);
}

TEST(SessionGet, TooLongKeyDiscardsRepliesQueuedSinceTheLastFlushPoint) {
  Connection c;
  const std::string bad_get = "get " + LongKey(251) + "\r\n";
  EXPECT_EQ(c.Send("set a 0 0 1\r\ny\r\n" + bad_get), kBadFormat);
  EXPECT_EQ(c.Send("version\r\n" + bad_get), kBadFormat);
  EXPECT_EQ(c.Send("get a\r\n" + bad_get), "VALUE a 0 1\r\ny\r\nEND\r\n" + std::string(kBadFormat));
  EXPECT_EQ(c.Send("version\r\nmn\r\nversion\r\n" + bad_get),
            "VERSION 1.6.18\r\nMN\r\n" + std::string(kBadFormat));
}

TEST(SessionGet, TooLongKeyKeepsTheSideEffectsOfEarlierKeys) {
  Connection c;
  EXPECT_EQ(c.Send("set t 0 0 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("gat 1 t " + LongKey(251) + "\r\n"), kBadFormat);
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get t\r\n"), "END\r\n");
}

TEST(SessionGet, EveryReqsPerEventRequestsFlushTheQueue) {
  const std::string bad_get = "get " + LongKey(251) + "\r\n";
  auto versions = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "version\r\n";
    return s;
  };
  auto replies = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "VERSION 1.6.18\r\n";
    return s;
  };
  const std::string client_error(kBadFormat);
  for (auto [sent, survive] : {std::pair{20, 0}, {21, 21}, {40, 21}, {41, 41}}) {
    Connection c;
    EXPECT_EQ(c.Send(versions(sent) + bad_get), replies(survive) + client_error) << sent;
  }
  Connection c({"-R", "5"});
  EXPECT_EQ(c.Send(versions(7) + bad_get), replies(6) + client_error);
}

// --- delete -------------------------------------------------------------------

TEST(SessionDelete, AcceptedForms) {
  Connection c;
  EXPECT_EQ(c.Send("set d 0 0 1\r\nx\r\ndelete d\r\ndelete d\r\n"),
            "STORED\r\nDELETED\r\nNOT_FOUND\r\n");
  EXPECT_EQ(c.Send("set d 0 0 1\r\nx\r\ndelete d 0\r\n"), "STORED\r\nDELETED\r\n");
  EXPECT_EQ(c.Send("set d 0 0 1\r\nx\r\ndelete d noreply\r\nget d\r\n"), "STORED\r\nEND\r\n");
  EXPECT_EQ(c.Send("set d 0 0 1\r\nx\r\ndelete d 0 noreply\r\nget d\r\n"), "STORED\r\nEND\r\n");
  EXPECT_EQ(c.Send("delete d 0 noreply\r\n"), "");
}

TEST(SessionDelete, OtherFormsGetTheUsageError) {
  Connection c;
  const std::string usage =
      "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n";
  EXPECT_EQ(c.Send("set d 0 0 1\r\nx\r\n"), "STORED\r\n");
  for (const char* line : {"delete d 1", "delete d 00", "delete d junk", "delete d NOREPLY",
                           "delete d noreply 0", "delete d 1 0"}) {
    EXPECT_EQ(c.Send(std::string(line) + "\r\n"), usage) << line;
  }
  EXPECT_EQ(c.Send("delete d 1 noreply\r\nget d\r\n"), "VALUE d 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("delete\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("delete d 0 noreply x\r\n"), "ERROR\r\n");
}

// --- incr and decr ------------------------------------------------------------

TEST(SessionArithmetic, IncrAndDecr) {
  Connection c;
  EXPECT_EQ(c.Send("set n 0 0 1\r\n5\r\nincr n 3\r\ndecr n 2\r\nget n\r\n"),
            "STORED\r\n8\r\n6\r\nVALUE n 0 1\r\n6\r\nEND\r\n");
  EXPECT_EQ(c.Send("incr nokey 1\r\ndecr nokey 1\r\n"), "NOT_FOUND\r\nNOT_FOUND\r\n");
}

TEST(SessionArithmetic, IncrWrapsAt2To64) {
  Connection c;
  EXPECT_EQ(c.Send("set n 0 0 20\r\n18446744073709551615\r\nincr n 2\r\nget n\r\n"),
            "STORED\r\n1\r\nVALUE n 0 20\r\n1" + std::string(19, ' ') + "\r\nEND\r\n");
}

TEST(SessionArithmetic, DecrStopsAtZero) {
  Connection c;
  EXPECT_EQ(c.Send("set n 0 0 2\r\n10\r\ndecr n 11\r\ndecr n 5\r\n"), "STORED\r\n0\r\n0\r\n");
}

TEST(SessionArithmetic, ShorterResultIsSpacePaddedInPlaceWithANewCas) {
  Connection c;
  EXPECT_EQ(c.Send("set n 3 0 3\r\n100\r\ndecr n 91\r\ngets n\r\n"),
            "STORED\r\n9\r\nVALUE n 3 3 2\r\n9  \r\nEND\r\n");
  EXPECT_EQ(c.Send("incr n 1\r\nget n\r\n"), "10\r\nVALUE n 3 3\r\n10 \r\nEND\r\n");
  EXPECT_EQ(c.Send("incr n 0\r\ngets n\r\n"), "10\r\nVALUE n 3 3 4\r\n10 \r\nEND\r\n");
}

TEST(SessionArithmetic, LongerResultIsANewUnpaddedItem) {
  Connection c;
  EXPECT_EQ(c.Send("set n 3 0 2\r\n99\r\nincr n 1\r\ngets n\r\n"),
            "STORED\r\n100\r\nVALUE n 3 3 2\r\n100\r\nEND\r\n");
  EXPECT_EQ(c.Send("set m 0 0 2\r\n9 \r\nincr m 991\r\nget m\r\n"),
            "STORED\r\n1000\r\nVALUE m 0 4\r\n1000\r\nEND\r\n");
}

TEST(SessionArithmetic, LeadingWhitespaceInTheValueIsSkipped) {
  Connection c;
  EXPECT_EQ(c.Send("set n 0 0 4\r\n  12\r\nincr n 1\r\nget n\r\n"),
            "STORED\r\n13\r\nVALUE n 0 4\r\n13  \r\nEND\r\n");
  EXPECT_EQ(c.Send("set n 0 0 5\r\n12 34\r\nincr n 1\r\nget n\r\n"),
            "STORED\r\n13\r\nVALUE n 0 5\r\n13   \r\nEND\r\n");
  EXPECT_EQ(c.Send("set n 0 0 3\r\n\r\n5\r\nincr n 1\r\nget n\r\n"),
            "STORED\r\n6\r\nVALUE n 0 3\r\n6  \r\nEND\r\n");
}

TEST(SessionArithmetic, NonNumericValues) {
  Connection c;
  const std::string non_numeric =
      "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n";
  for (const std::string value : {"12abc", "-5", "18446744073709551616", "", "x"}) {
    EXPECT_EQ(
        c.Send("set n 0 0 " + std::to_string(value.size()) + "\r\n" + value + "\r\nincr n 1\r\n"),
        "STORED\r\n" + non_numeric)
        << value;
  }
  EXPECT_EQ(c.Send("decr n 1\r\n"), non_numeric);
}

TEST(SessionArithmetic, BadDelta) {
  Connection c;
  const std::string bad_delta = "CLIENT_ERROR invalid numeric delta argument\r\n";
  EXPECT_EQ(c.Send("set n 0 0 1\r\n5\r\n"), "STORED\r\n");
  for (const char* delta : {"-1", "18446744073709551616", "1x", "x"}) {
    EXPECT_EQ(c.Send("incr n " + std::string(delta) + "\r\n"), bad_delta) << delta;
  }
  EXPECT_EQ(c.Send("incr n +3\r\nincr n -18446744073709551615\r\n"), "8\r\n9\r\n");
  EXPECT_EQ(c.Send("decr nokey x\r\n"), bad_delta);
}

TEST(SessionArithmetic, TokenCountsAndNoreply) {
  Connection c;
  EXPECT_EQ(c.Send("set n 0 0 1\r\n5\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("incr n\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("incr n 1 noreply x\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("incr n 1 junk\r\n"), "6\r\n");
  EXPECT_EQ(c.Send("incr n 1 noreply\r\nincr n noreply\r\nincr nokey 1 noreply\r\nget n\r\n"),
            "VALUE n 0 1\r\n7\r\nEND\r\n");
  EXPECT_EQ(c.Send("set t 0 0 1\r\nx\r\nincr t 1 noreply\r\n"), "STORED\r\n");
}

// --- touch --------------------------------------------------------------------

TEST(SessionTouch, SetsTheExptimeAndKeepsTheCas) {
  Connection c;
  EXPECT_EQ(c.Send("set t 0 0 1\r\nx\r\ntouch t 10\r\ngets t\r\n"),
            "STORED\r\nTOUCHED\r\nVALUE t 0 1 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("touch nokey 10\r\n"), "NOT_FOUND\r\n");
  c.AdvanceClock(10);
  EXPECT_EQ(c.Send("get t\r\n"), "END\r\n");
}

TEST(SessionTouch, Arguments) {
  Connection c;
  EXPECT_EQ(c.Send("set t 0 0 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Send("touch t\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("touch t 0 noreply x\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("touch t 0 junk\r\n"), "TOUCHED\r\n");
  EXPECT_EQ(c.Send("touch t x\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
  EXPECT_EQ(c.Send("touch t x noreply\r\ntouch t 0 noreply\r\ntouch nokey 0 noreply\r\n"), "");
  EXPECT_EQ(c.Send("touch t 4294967296\r\n"), "TOUCHED\r\n");  // exptime 0: never
  c.AdvanceClock(100000);
  EXPECT_EQ(c.Send("touch t -1\r\nget t\r\n"), "TOUCHED\r\nEND\r\n");
}

// --- flush_all ----------------------------------------------------------------

TEST(SessionFlushAll, Arguments) {
  Connection c;
  EXPECT_EQ(c.Send("flush_all\r\nflush_all 0\r\nflush_all noreply\r\nflush_all 0 noreply\r\n"),
            "OK\r\nOK\r\n");
  EXPECT_EQ(c.Send("flush_all x\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
  EXPECT_EQ(c.Send("flush_all 1.5\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
  EXPECT_EQ(c.Send("flush_all -1\r\nflush_all 0 junk\r\n"), "OK\r\nOK\r\n");
  EXPECT_EQ(c.Send("flush_all noreply 0\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
  EXPECT_EQ(c.Send("flush_all x noreply\r\n"), "");
  EXPECT_EQ(c.Send("flush_all 0 0 0\r\n"), "ERROR\r\n");
}

TEST(SessionFlushAll, ImmediateFlushHidesOnlyEarlierItems) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\nflush_all\r\nget a\r\nset s1 0 0 1\r\nx\r\nget s1\r\n"),
            "STORED\r\nOK\r\nEND\r\nSTORED\r\nVALUE s1 0 1\r\nx\r\nEND\r\n");
}

TEST(SessionFlushAll, NegativeDelayIsImmediate) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\nflush_all -5\r\nget a\r\n"), "STORED\r\nOK\r\nEND\r\n");
}

TEST(SessionFlushAll, DelayOfOneAlsoHidesItemsStoredInTheSameSecond) {
  Connection c;
  EXPECT_EQ(c.Send("flush_all 1\r\nset f4 0 0 1\r\nz\r\nget f4\r\n"), "OK\r\nSTORED\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("set f5 0 0 1\r\nz\r\nget f4 f5\r\n"), "STORED\r\nVALUE f5 0 1\r\nz\r\nEND\r\n");
}

TEST(SessionFlushAll, DelayedFlushTakesEffectThroughTheClock) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\nset b 0 0 1\r\ny\r\nflush_all 2\r\nget a b\r\n"),
            "STORED\r\nSTORED\r\nOK\r\nVALUE a 0 1\r\nx\r\nVALUE b 0 1\r\ny\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get a b\r\nset c 0 0 1\r\nz\r\nget c\r\n"), "END\r\nSTORED\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("set d 0 0 1\r\nw\r\nget d\r\n"), "STORED\r\nVALUE d 0 1\r\nw\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get c d\r\n"), "VALUE d 0 1\r\nw\r\nEND\r\n");
}

TEST(SessionFlushAll, PendingDelayedFlushMasksAnEarlierImmediateOne) {
  Connection c;
  EXPECT_EQ(c.Send("set r 0 0 1\r\nx\r\nflush_all\r\nflush_all 100\r\nget r\r\n"),
            "STORED\r\nOK\r\nOK\r\nVALUE r 0 1\r\nx\r\nEND\r\n");
}

TEST(SessionFlushAll, AbsoluteTimeBeforeTheStartCancelsFlushes) {
  Connection c;
  EXPECT_EQ(c.Send("set f6 0 0 1\r\nx\r\nflush_all 2592001\r\nget f6\r\n"),
            "STORED\r\nOK\r\nVALUE f6 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("set r2 0 0 1\r\nx\r\nflush_all\r\nflush_all 2592001\r\nget r2\r\n"),
            "STORED\r\nOK\r\nOK\r\nVALUE r2 0 1\r\nx\r\nEND\r\n");
}

TEST(SessionFlushAll, RefusedWhenDisabled) {
  Connection c({"-F"});
  EXPECT_EQ(c.Send("flush_all\r\nflush_all noreply\r\n"), "CLIENT_ERROR flush_all not allowed\r\n");
}

// --- version, verbosity, quit, mn, shutdown, unknown commands -------------------

TEST(SessionMisc, VersionIgnoresExtraWords) {
  Connection c;
  EXPECT_EQ(c.Send("version\r\nversion foo bar\r\n"), "VERSION 1.6.18\r\nVERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send("VERSION\r\n"), "ERROR\r\n");
}

TEST(SessionMisc, Verbosity) {
  Connection c;
  EXPECT_EQ(c.Send("verbosity 1\r\nverbosity 5\r\nverbosity 1 junk\r\nverbosity 4294967296\r\n"),
            "OK\r\nOK\r\nOK\r\nOK\r\n");
  EXPECT_EQ(c.Send("verbosity x\r\nverbosity -1\r\n"),
            std::string(kBadFormat) + std::string(kBadFormat));
  EXPECT_EQ(c.Send("verbosity noreply\r\nverbosity 1 noreply\r\n"), "");
  EXPECT_EQ(c.Send("verbosity\r\nverbosity 1 2 3\r\n"), "ERROR\r\nERROR\r\n");
}

TEST(SessionMisc, QuitSendsQueuedRepliesThenClosesAndIgnoresTheRest) {
  Connection c;
  EXPECT_EQ(c.Send("set q 0 0 1\r\nx\r\nquit\r\nget q\r\n"), "STORED\r\n");
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.Send("get q\r\n"), "");
}

TEST(SessionMisc, QuitIgnoresExtraWords) {
  Connection c;
  EXPECT_EQ(c.Send("quit noreply\r\n"), "");
  EXPECT_TRUE(c.closed());
}

TEST(SessionMisc, MnIgnoresExtraWords) {
  Connection c;
  EXPECT_EQ(c.Send("mn\r\nmn foo\r\n"), "MN\r\nMN\r\n");
  EXPECT_EQ(c.Send("mz\r\n"), "ERROR\r\n");
}

TEST(SessionMisc, ShutdownNeedsMinusA) {
  Connection c;
  EXPECT_EQ(c.Send("shutdown\r\nshutdown graceful\r\n"),
            "ERROR: shutdown not enabled\r\nERROR: shutdown not enabled\r\n");
  EXPECT_FALSE(c.closed());
}

TEST(SessionMisc, UnknownCommands) {
  Connection c;
  EXPECT_EQ(c.Send("foo bar\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("g\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("getx a\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("get\ta\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("misbehave\r\n"), "ERROR\r\n");
}

TEST(SessionMisc, MoreThan23WordsIsErrorForNonGetCommands) {
  Connection c;
  std::string words;
  for (int i = 0; i < 21; ++i) words += "x ";
  EXPECT_EQ(c.Send("delete a " + words + "\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1 " + words.substr(2) + "\r\nx\r\n"), "ERROR\r\nERROR\r\n");
}

TEST(SessionMisc, HttpRequestClosesSilently) {
  Connection c;
  EXPECT_EQ(c.Send("GET / HTTP/1.1\r\n"), "");
  EXPECT_TRUE(c.closed());
  Connection d;
  EXPECT_EQ(d.Send("foo HTTP/1.0\r\nversion\r\n"), "");
  EXPECT_TRUE(d.closed());
}

TEST(SessionMisc, HttpMustBeTheLastOfTheFirst23Words) {
  Connection c;
  EXPECT_EQ(c.Send("foo HTTP/1.0 x\r\nversion\r\n"), "ERROR\r\nVERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send("get / HTTP/1.1\r\n"), "END\r\n");
  std::string thirty;
  for (int i = 0; i < 30; ++i) thirty += "x ";
  EXPECT_EQ(c.Send("foo " + thirty + "HTTP/1.1\r\n"), "ERROR\r\n");
  EXPECT_FALSE(c.closed());
  std::string twenty_one;
  for (int i = 0; i < 21; ++i) twenty_one += "x ";
  EXPECT_EQ(c.Send("foo " + twenty_one + "HTTP/1.1 y z\r\n"), "");
  EXPECT_TRUE(c.closed());
}

TEST(SessionMisc, HttpCloseDropsQueuedReplies) {
  Connection c;
  EXPECT_EQ(c.Send("version\r\nGET / HTTP/1.1\r\n"), "");
  EXPECT_TRUE(c.closed());
}

TEST(SessionMisc, DebugtimeMovesTheClock) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 10 1\r\nx\r\ndebugtime 9\r\nget a\r\n"),
            "STORED\r\nOK\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("debugtime 1\r\nget a\r\n"), "OK\r\nEND\r\n");
  EXPECT_EQ(c.Send("debugtime p\r\ndebugtime r\r\n"), "OK\r\nOK\r\n");
  EXPECT_EQ(c.Send("debugtime\r\ndebugtime x\r\ndebugtime 1x\r\n"), "ERROR\r\nERROR\r\nERROR\r\n");
}

TEST(SessionMisc, DebugtimePauseStopsTicks) {
  Connection c;
  EXPECT_EQ(c.Send("debugtime p\r\n"), "OK\r\n");
  const RelTime paused_at = c.server().clock().now();
  c.server().clock().Tick(5);
  EXPECT_EQ(c.server().clock().now(), paused_at);
  EXPECT_EQ(c.Send("debugtime r\r\n"), "OK\r\n");
  c.server().clock().Tick(5);
  EXPECT_EQ(c.server().clock().now(), paused_at + 5);
}

// --- line handling ------------------------------------------------------------

TEST(SessionLines, BareNewlineEndsALine) {
  Connection c;
  EXPECT_EQ(c.Send("version\n"), "VERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1\nx\r\nget a\n"), "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
}

TEST(SessionLines, OnlyOneCarriageReturnIsStripped) {
  Connection c;
  EXPECT_EQ(c.Send("\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("    \r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("version\r\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\nget a\r\r\n"), "STORED\r\nEND\r\n");
  EXPECT_EQ(c.Send("set s 0 0 1\r\r\nx\r\n"), "STORED\r\n");  // length "1\r" parses as 1
}

TEST(SessionLines, SpacesSeparateTokens) {
  Connection c;
  EXPECT_EQ(c.Send("   version\r\n"), "VERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send("set   a  0   0  1  \r\nx\r\nget   a   \r\n"),
            "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
}

TEST(SessionLines, NulEndsTheLine) {
  Connection c;
  EXPECT_EQ(c.Send("set nul 0 0 1\r\nx\r\nget nul\0zzz other\r\n"s),
            "STORED\r\nVALUE nul 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("set a\0b 0 0 1\r\nx\r\n"s), "ERROR\r\nERROR\r\n");
}

TEST(SessionLines, PipelinedRequestsAnswerInOrder) {
  Connection c;
  EXPECT_EQ(c.Send("set a 0 0 1\r\n1\r\nincr a 1\r\nget a\r\ndelete a\r\nversion\r\nget a\r\n"),
            "STORED\r\n2\r\nVALUE a 0 1\r\n2\r\nEND\r\nDELETED\r\nVERSION 1.6.18\r\nEND\r\n");
}

TEST(SessionLines, RequestsSplitByteByByte) {
  const std::string requests =
      "set a 0 0 5\r\nhello\r\nappend a 0 0 1 noreply\r\n!\r\nget a b\r\nincr n 1\r\n"
      "set big 0 0 1048577\r\n" +
      std::string(1048579, 'x') + "set bc 0 0 1\r\nxyz\r\ndelete a\r\nmn\r\n";
  Connection c;
  std::string out;
  for (char byte : requests) out += c.Send(std::string_view(&byte, 1));
  EXPECT_EQ(out,
            "STORED\r\nVALUE a 0 6\r\nhello!\r\nEND\r\nNOT_FOUND\r\n"
            "SERVER_ERROR object too large for cache\r\nCLIENT_ERROR bad data chunk\r\nERROR\r\n"
            "DELETED\r\nMN\r\n");
}

TEST(SessionLines, IncompleteDataBlockFlushesNothing) {
  Connection c;
  EXPECT_EQ(c.Send("version\r\nset a 0 0 10\r\nabc"), "");
  EXPECT_EQ(c.Send("defghij\r\n"), "VERSION 1.6.18\r\nSTORED\r\n");
}

TEST(SessionLines, PartialLineFlushesEarlierReplies) {
  Connection c;
  EXPECT_EQ(c.Send("version\r\nget"), "VERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send(" a\r\n"), "END\r\n");
}

TEST(SessionLines, LongLineWithItsNewlineIsProcessed) {
  Connection c;
  EXPECT_EQ(c.Send("set " + std::string(3000, 'k') + " 0 0 1\r\nx\r\n"),
            std::string(kBadFormat) + "ERROR\r\n");
  EXPECT_EQ(c.Send(std::string(3000, 'x') + "\r\nversion\r\n"), "ERROR\r\nVERSION 1.6.18\r\n");
}

TEST(SessionLines, MoreThan2048BytesWithoutNewlineCloses) {
  Connection c;
  EXPECT_EQ(c.Send(std::string(2049, 'x')), "");
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.Send("\r\nversion\r\n"), "");
}

TEST(SessionLines, LineOf2048BytesWithoutNewlineWaits) {
  Connection c;
  EXPECT_EQ(c.Send(std::string(2048, 'x')), "");
  EXPECT_EQ(c.Send("\r\nversion\r\n"), "ERROR\r\nVERSION 1.6.18\r\n");
}

TEST(SessionLines, OverlongPartialLineLosesQueuedReplies) {
  Connection c;
  EXPECT_EQ(c.Send("version\r\n" + std::string(3000, 'x')), "");
  EXPECT_TRUE(c.closed());
}

TEST(SessionLines, OverlongPartialGetLineIsKept) {
  for (const std::string command : {"get ", "gets "}) {
    Connection c;
    EXPECT_EQ(c.Send(command + std::string(3000, 'a')), "");
    EXPECT_EQ(c.Send(" b\r\nversion\r\n"), std::string(kBadFormat) + "VERSION 1.6.18\r\n")
        << command;
  }
  Connection c;
  std::string keys = "get";
  for (int i = 0; i < 2000; ++i) keys += " k" + std::to_string(i);
  EXPECT_EQ(c.Send(keys), "");
  EXPECT_EQ(c.Send("\r\nversion\r\n"), "END\r\nVERSION 1.6.18\r\n");
}

TEST(SessionLines, OverlongPartialLineOfOtherCommandsCloses) {
  for (const std::string prefix : {"gat 0 ", "gats 0 ", "bget ", "GET ", "get\t"}) {
    Connection c;
    EXPECT_EQ(c.Send(prefix + std::string(3000, 'a')), "");
    EXPECT_TRUE(c.closed()) << prefix;
  }
}

TEST(SessionLines, AtMostOneHundredLeadingSpacesBeforeAnOverlongGet) {
  Connection c;
  EXPECT_EQ(c.Send(std::string(100, ' ') + "get " + std::string(3000, 'a')), "");
  EXPECT_EQ(c.Send(" b\r\nversion\r\n"), std::string(kBadFormat) + "VERSION 1.6.18\r\n");
  Connection d;
  EXPECT_EQ(d.Send(std::string(101, ' ') + "get " + std::string(3000, 'a')), "");
  EXPECT_TRUE(d.closed());
}

// --- expiry -------------------------------------------------------------------

TEST(SessionExpiry, RelativeExptime) {
  Connection c;
  EXPECT_EQ(c.Send("set e1 0 1 1\r\nx\r\nset e2 0 2 1\r\ny\r\nget e1 e2\r\n"),
            "STORED\r\nSTORED\r\nVALUE e1 0 1\r\nx\r\nVALUE e2 0 1\r\ny\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get e1 e2\r\n"), "VALUE e2 0 1\r\ny\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get e1 e2\r\n"), "END\r\n");
}

TEST(SessionExpiry, ThirtyDaysIsStillRelative) {
  Connection c;
  EXPECT_EQ(c.Send("set s 0 2592000 1\r\nx\r\nget s\r\n"), "STORED\r\nVALUE s 0 1\r\nx\r\nEND\r\n");
  c.AdvanceClock(2591999);
  EXPECT_EQ(c.Send("get s\r\n"), "VALUE s 0 1\r\nx\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get s\r\n"), "END\r\n");
}

TEST(SessionExpiry, AbsoluteExptimeCountsFromProcessStarted) {
  Connection c;
  const int64_t started = c.server().clock().process_started();
  const int64_t now = c.server().clock().unix_now();
  EXPECT_EQ(c.Send("set a 0 " + std::to_string(now + 10) + " 1\r\nx\r\nget a\r\n"),
            "STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  c.AdvanceClock(9);
  EXPECT_EQ(c.Send("get a\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(c.Send("get a\r\n"), "END\r\n");
  // At or before process_started (but above 30 days): already expired.
  EXPECT_EQ(c.Send("set b 0 " + std::to_string(started) + " 1\r\nx\r\nget b\r\n"),
            "STORED\r\nEND\r\n");
  EXPECT_EQ(c.Send("set b 0 2592001 1\r\nx\r\nget b\r\n"), "STORED\r\nEND\r\n");
  // After process_started but before now: expired as well.
  EXPECT_EQ(c.Send("set b 0 " + std::to_string(started + 1) + " 1\r\nx\r\nget b\r\n"),
            "STORED\r\nEND\r\n");
}

TEST(SessionExpiry, NegativeExptimeStoresAnExpiredItem) {
  Connection c;
  EXPECT_EQ(c.Send("set s 0 0 1\r\nx\r\nset s 0 -1 3\r\nabc\r\nget s\r\n"),
            "STORED\r\nSTORED\r\nEND\r\n");
  EXPECT_EQ(c.Send("add s 0 0 1\r\ny\r\nget s\r\n"), "STORED\r\nVALUE s 0 1\r\ny\r\nEND\r\n");
}

TEST(SessionExpiry, ZeroNeverExpires) {
  Connection c;
  EXPECT_EQ(c.Send("set s 0 0 1\r\nx\r\nset t 0 4294967296 1\r\ny\r\n"), "STORED\r\nSTORED\r\n");
  c.AdvanceClock(100000000);
  EXPECT_EQ(c.Send("get s t\r\n"), "VALUE s 0 1\r\nx\r\nVALUE t 0 1\r\ny\r\nEND\r\n");
}

TEST(SessionExpiry, ExpiredItemsAreAbsentForEveryCommand) {
  Connection c;
  EXPECT_EQ(c.Send("set e 0 1 1\r\n5\r\n"), "STORED\r\n");
  c.AdvanceClock(1);
  EXPECT_EQ(
      c.Send("incr e 1\r\ntouch e 0\r\ndelete e\r\nreplace e 0 0 1\r\nx\r\nappend e 0 0 1\r\nx\r\n"
             "cas e 0 0 1 1\r\nx\r\nadd e 0 0 1\r\nx\r\n"),
      "NOT_FOUND\r\nNOT_FOUND\r\nNOT_FOUND\r\nNOT_STORED\r\nNOT_STORED\r\nNOT_FOUND\r\nSTORED\r\n");
}

// --- memory limits and CAS off --------------------------------------------------

TEST(SessionMemory, NoEvictionAnswersOutOfMemory) {
  Connection c({"-m", "2", "-M", "-o", "no_modern"});
  const std::string value = std::string(100000, 'v') + "\r\n";
  std::string sets;
  for (int i = 0; i < 20; ++i) sets += "set k" + std::to_string(i) + " 0 0 100000\r\n" + value;
  std::string stored;
  for (int i = 0; i < 20; ++i) stored += "STORED\r\n";
  EXPECT_EQ(c.Send(sets), stored);
  EXPECT_EQ(c.Send("set k20 0 0 100000\r\n" + value + "version\r\n"),
            "SERVER_ERROR out of memory storing object\r\nVERSION 1.6.18\r\n");
  EXPECT_EQ(c.Send("set k0 0 0 100000\r\n" + value + "get k0\r\n"),
            "SERVER_ERROR out of memory storing object\r\nEND\r\n");
  EXPECT_EQ(c.Send("set k0 0 0 100000 noreply\r\n" + value + "get k1\r\n"),
            "VALUE k1 0 100000\r\n" + value + "END\r\n");
}

TEST(SessionMemory, WithoutCasEveryCasIsZero) {
  Connection c({"-C"});
  EXPECT_EQ(c.Send("set a 0 0 1\r\nx\r\ngets a\r\n"), "STORED\r\nVALUE a 0 1 0\r\nx\r\nEND\r\n");
  EXPECT_EQ(c.Send("cas a 0 0 1 0\r\ny\r\ncas a 0 0 1 1\r\ny\r\ncas b 0 0 1 1\r\ny\r\n"),
            "EXISTS\r\nEXISTS\r\nNOT_FOUND\r\n");
  EXPECT_EQ(c.Send("set n 0 0 1\r\n1\r\nincr n 1\r\ngets n\r\n"),
            "STORED\r\n2\r\nVALUE n 0 1 0\r\n2\r\nEND\r\n");
}

// --- front-end hooks ------------------------------------------------------------

TEST(SessionFrontEnd, StopsWhereMemcachedYields) {
  Server server(ParseServerFlags({"-R", "2"}).settings);
  Session session(server);
  session.set_stop_at_yield(true);
  std::string out;
  // memcached runs R+1 requests per event, then yields.
  session.Receive("version\r\nversion\r\nversion\r\nversion\r\nversion\r\n", &out);
  EXPECT_EQ(out, "VERSION 1.6.18\r\nVERSION 1.6.18\r\nVERSION 1.6.18\r\n");
  EXPECT_TRUE(session.yielded());
  out.clear();
  // Coming back, the first pass counts: R more requests.
  session.Receive("", &out);
  EXPECT_EQ(out, "VERSION 1.6.18\r\nVERSION 1.6.18\r\n");
  EXPECT_FALSE(session.yielded());
  EXPECT_EQ(server.counters().conn_yields, 2u);
}

TEST(SessionFrontEnd, ValueBytesLeftAndStates) {
  Server server(ParseServerFlags({"-I", "1k", "-m", "1"}).settings);
  Session session(server);
  EXPECT_EQ(session.state_name(), "conn_new_cmd");
  std::string out;
  session.Receive("set k 0 0 10\r\nabc", &out);
  EXPECT_EQ(session.value_bytes_left(), 9u);
  EXPECT_FALSE(session.swallowing());
  EXPECT_EQ(session.state_name(), "conn_nread");
  session.Receive("defghij\r\n", &out);
  EXPECT_EQ(session.value_bytes_left(), 0u);
  EXPECT_EQ(session.state_name(), "conn_read");
  session.Receive("set big 0 0 5000\r\n", &out);
  EXPECT_TRUE(session.swallowing());
  EXPECT_EQ(session.value_bytes_left(), 5002u);
}

TEST(SessionFrontEnd, CloseReasons) {
  Server server(ParseServerFlags({"-A"}).settings);
  Session quitting(server);
  Session shutting(server);
  Session erring(server);
  std::string out;
  quitting.Receive("quit\r\n", &out);
  shutting.Receive("shutdown\r\n", &out);
  erring.Receive(std::string(3000, 'x'), &out);
  EXPECT_EQ(quitting.close_reason(), "normal");
  EXPECT_EQ(shutting.close_reason(), "shutdown");
  EXPECT_TRUE(erring.closed());
  EXPECT_EQ(erring.close_reason(), "error");
}

}  // namespace
}  // namespace mcspec::ref
