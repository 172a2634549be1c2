// Meta commands (mg ms md ma me). Every expected response was recorded from
// memcached 1.6.18 (`memcached -t 1 -o no_modern`, plus the flags a test
// names), fed the same requests on a fresh server.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "server.h"
#include "session.h"
#include "settings.h"
#include "testing/test_connection.h"

namespace mcspec::ref {
namespace {

using namespace std::string_literals;

// A server with one client connection, as memcached's tests above were run.
// Every meta test runs memcached's -t 1 -o no_modern, plus its own flags.
class Connection : public testing::TestConnection {
 public:
  explicit Connection(std::vector<std::string> flags = {})
      : TestConnection(WithDefaults(std::move(flags))) {}

 private:
  static std::vector<std::string> WithDefaults(std::vector<std::string> flags) {
    flags.insert(flags.begin(), {"-t", "1", "-o", "no_modern"});
    return flags;
  }
};

// v adds the value; every other return flag echoes in request order.
TEST(MetaGet, ReturnFlagsFollowTheRequestOrder) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 2 T100 F5\r\nhi\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k v k c f t s h l O123\r\n"), "VA 2 kk c1 f5 t100 s2 h0 l0 O123\r\nhi\r\n");
  EXPECT_EQ(c.Send("mg k O9 s v\r\n"), "VA 2 O9 s2\r\nhi\r\n");
  EXPECT_EQ(c.Send("mg k\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k f\r\n"), "HD f5\r\n");
}

TEST(MetaGet, MissIsEnWithOpaqueAndKeyOnly) {
  Connection c;
  EXPECT_EQ(c.Send("mg nokey v c f s t O5 k\r\n"), "EN O5 knokey\r\n");
  EXPECT_EQ(c.Send("mg nokey\r\n"), "EN\r\n");
  EXPECT_EQ(c.Stat("get_misses"), "2");
  EXPECT_EQ(c.Stat("cmd_get"), "2");
  EXPECT_EQ(c.Stat("get_hits"), "0");
}

// h and l report the item as it was before this request fetched it.
TEST(MetaGet, HitAndLastAccessFlagsShowTheStateBeforeTheBump) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k h l\r\n"), "HD h0 l0\r\n");
  EXPECT_EQ(c.Send("mg k h\r\n"), "HD h1\r\n");
  EXPECT_EQ(c.Send("mg k u h\r\n"), "HD h1\r\n");
  EXPECT_EQ(c.Send("me k\r\n"), "ME k exp=-1 la=0 cas=1 fetch=yes cls=1 size=61\r\n");
}

TEST(MetaGet, NoUpdateLeavesTheItemUnfetched) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k u v\r\n"), "VA 1\r\nx\r\n");
  EXPECT_EQ(c.Send("mg k h\r\n"), "HD h0\r\n");
  EXPECT_EQ(c.Send("mg k h\r\n"), "HD h1\r\n");
}

// T counts as a touch, not a get, and only on a hit.
TEST(MetaGet, TouchFlagSetsTheTtlInRequestOrder) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1 T100\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k t T30\r\n"), "HD t100\r\n");
  EXPECT_EQ(c.Send("mg k T20 t\r\n"), "HD t20\r\n");
  EXPECT_EQ(c.Send("mg k t\r\n"), "HD t20\r\n");
  EXPECT_EQ(c.Send("mg k T0 t\r\n"), "HD t-1\r\n");
  EXPECT_EQ(c.Send("mg nokey T30\r\n"), "EN\r\n");
  EXPECT_EQ(c.Stat("cmd_touch"), "3");
  EXPECT_EQ(c.Stat("touch_hits"), "3");
  EXPECT_EQ(c.Stat("touch_misses"), "0");
  EXPECT_EQ(c.Stat("cmd_get"), "2");
  EXPECT_EQ(c.Stat("get_hits"), "1");
  EXPECT_EQ(c.Stat("get_misses"), "1");
}

// A negative T makes the item expire (exptime 1); t prints the unsigned difference.
TEST(MetaGet, NegativeTtlWrapsTheRemainingTime) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k T-1 t\r\n"), "HD t4294967235\r\n");
  EXPECT_EQ(c.Send("mg k v\r\n"), "EN\r\n");
}

// N on a miss creates an empty item and hands this client the token (W); later
// clients see Z until the item is replaced.
TEST(MetaGet, VivifyCreatesAnEmptyItemAndWinsTheToken) {
  Connection c;
  EXPECT_EQ(c.Send("mg v N30 v c t s\r\n"), "VA 0 c1 t30 s0 W\r\n\r\n");
  EXPECT_EQ(c.Send("mg v N30 v c t\r\n"), "VA 0 c1 t30 Z\r\n\r\n");
  EXPECT_EQ(c.Send("mg v v c\r\n"), "VA 0 c1 Z\r\n\r\n");
  EXPECT_EQ(c.Send("ms v 2\r\nab\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg v N30 v c t\r\n"), "VA 2 c2 t-1\r\nab\r\n");
  EXPECT_EQ(c.Stat("get_hits"), "4");
  EXPECT_EQ(c.Stat("get_misses"), "0");
  EXPECT_EQ(c.Stat("cmd_get"), "4");
  EXPECT_EQ(c.Stat("curr_items"), "1");
}

TEST(MetaGet, VivifyTtlFollowsRequestOrder) {
  Connection c;
  EXPECT_EQ(c.Send("mg v t N30\r\n"), "HD t-1 W\r\n");
  EXPECT_EQ(c.Send("mg v t\r\n"), "HD t30 Z\r\n");
  EXPECT_EQ(c.Send("mg w N30 t\r\n"), "HD t30 W\r\n");
}

TEST(MetaGet, RecacheWinsOnceWhenTheTtlIsBelowTheThreshold) {
  Connection c;
  EXPECT_EQ(c.Send("ms r 1 T100\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg r R50 v c\r\n"), "VA 1 c1\r\nx\r\n");
  EXPECT_EQ(c.Send("mg r R200 v c\r\n"), "VA 1 c1 W\r\nx\r\n");
  EXPECT_EQ(c.Send("mg r R200 v c\r\n"), "VA 1 c1 Z\r\nx\r\n");
  EXPECT_EQ(c.Send("ms r 1 T0\r\ny\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg r R200 v\r\n"), "VA 1\r\ny\r\n");
}

TEST(MetaGet, OpaqueMayBeThirtyTwoBytes) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "HD Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
  EXPECT_EQ(c.Send("mg k Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(c.Send("mg nokey Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(c.Stat("get_hits"), "1");
  EXPECT_EQ(c.Stat("get_misses"), "1");
  EXPECT_EQ(c.Stat("cmd_get"), "2");
}

// The request fails, but T (and N) already applied; nothing is counted.
TEST(MetaGet, ChangesBeforeATooLongOpaqueStay) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1 T100\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k T30 Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(c.Send("mg k t\r\n"), "HD t30\r\n");
  EXPECT_EQ(c.Stat("cmd_touch"), "0");
  EXPECT_EQ(c.Stat("cmd_get"), "1");
}

TEST(MetaGet, EveryDataFlagIsAcceptedOnGet) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k F1 C2 MS J3 D4 I P L q\r\n"), "HD\r\n");
}

TEST(MetaSet, ModesMapToTheStorageCommands) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 2 MR\r\nhi\r\n"), "NS\r\n");
  EXPECT_EQ(c.Send("ms k 2 ME\r\nhi\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ms k 2 ME c\r\nho\r\n"), "NS c0\r\n");
  EXPECT_EQ(c.Send("ms k 2 MA c k\r\n!!\r\n"), "HD c2 kk\r\n");
  EXPECT_EQ(c.Send("ms k 2 MP O1 c\r\n<<\r\n"), "HD O1 c3\r\n");
  EXPECT_EQ(c.Send("mg k v c\r\n"), "VA 6 c3\r\n<<hi!!\r\n");
  EXPECT_EQ(c.Send("ms k 1 MS\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ms j 1 MA\r\nx\r\n"), "NS\r\n");
  EXPECT_EQ(c.Send("ms j 1 MP\r\nx\r\n"), "NS\r\n");
  EXPECT_EQ(c.Send("ms k 2 Mx\r\nhi\r\n"), "CLIENT_ERROR invalid mode for ms M token\r\n");
  EXPECT_EQ(c.Send("mg k v\r\n"), "VA 1\r\nx\r\n");
  EXPECT_EQ(c.Stat("cmd_set"), "8");
}

TEST(MetaSet, CasTurnsSetAndReplaceIntoCas) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1 c\r\nx\r\n"), "HD c1\r\n");
  EXPECT_EQ(c.Send("ms k 1 C9 c\r\nx\r\n"), "EX c0\r\n");
  EXPECT_EQ(c.Send("ms k 1 C1 MR c\r\ny\r\n"), "HD c2\r\n");
  EXPECT_EQ(c.Send("ms k 1 C1 MA c\r\nz\r\n"), "EX c0\r\n");
  EXPECT_EQ(c.Send("ms k 1 C2 MA c\r\nz\r\n"), "HD c3\r\n");
  EXPECT_EQ(c.Send("ms k 1 C99 ME c\r\nz\r\n"), "NS c0\r\n");
  EXPECT_EQ(c.Send("ms nokey 1 C4 c\r\nx\r\n"), "NF c0\r\n");
  EXPECT_EQ(c.Send("ms nokey 1 C4 MA c\r\nx\r\n"), "NS c0\r\n");
  EXPECT_EQ(c.Send("mg k v c\r\n"), "VA 2 c3\r\nyz\r\n");
  EXPECT_EQ(c.Stat("cas_hits"), "1");
  EXPECT_EQ(c.Stat("cas_badval"), "1");
  EXPECT_EQ(c.Stat("cas_misses"), "1");
}

TEST(MetaSet, FlagsAndTtl) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 3 F4294967295 T0\r\nabc\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k v f t\r\n"), "VA 3 f4294967295 t-1\r\nabc\r\n");
  EXPECT_EQ(c.Send("ms k 2 F4294967296 T50\r\nhi\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k f t\r\n"), "HD f0 t50\r\n");
  EXPECT_EQ(c.Send("ms k 2 F-1\r\nhi\r\n"), "CLIENT_ERROR bad command line format\r\n");
}

TEST(MetaSet, QuietHidesOnlyHd) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1 q\r\nx\r\n"), "");
  EXPECT_EQ(c.Send("ms k 1 q ME\r\nx\r\n"), "NS\r\n");
  EXPECT_EQ(c.Send("ms k 1 MA q k O2\r\nx\r\n"), "");
  EXPECT_EQ(c.Send("ms j 1 MR q\r\nx\r\n"), "NS\r\n");
  EXPECT_EQ(c.Send("ms k 1 C99 q\r\nx\r\n"), "EX\r\n");
  EXPECT_EQ(c.Send("ms j 1 C99 q\r\nx\r\n"), "NF\r\n");
  EXPECT_EQ(c.Send("ms k 1 q\r\nxyz\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
}

TEST(MetaSet, BadDataChunkIsAlwaysReported) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1 q\r\nxy\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(c.Send("ms k 1 c\r\nxy\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(c.Send("mg k\r\n"), "EN\r\n");
}

TEST(MetaSet, EmptyValue) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 0\r\n\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k v s\r\n"), "VA 0 s0\r\n\r\n");
  EXPECT_EQ(c.Send("ma k\r\n"), "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
}

// Without a valid length the data line is read as a command.
TEST(MetaSet, DataLengthErrorsDoNotSwallow) {
  Connection c;
  EXPECT_EQ(c.Send("ms k\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("ms k abc\r\nhi\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("ms k -1\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("ms k S100\r\nhi\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(c.Send("ms "
                   "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
                   "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
                   "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
                   "LLLLLLLLLLLLLL 2\r\nhi\r\n"),
            "CLIENT_ERROR bad command line format\r\nERROR\r\n");
}

TEST(MetaSet, FlagErrorsSwallowTheValue) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 2 Z\r\nhi\r\n"), "CLIENT_ERROR invalid flag\r\n");
  EXPECT_EQ(c.Send("ms k 2 T5 T6\r\nhi\r\n"), "CLIENT_ERROR duplicate flag\r\n");
  EXPECT_EQ(c.Send("ms k 2 M\r\nhi\r\n"), "CLIENT_ERROR incorrect length for M token\r\n");
  EXPECT_EQ(c.Send("ms k 2 MSS\r\nhi\r\n"), "CLIENT_ERROR incorrect length for M token\r\n");
  EXPECT_EQ(c.Send("ms k 2 Fx\r\nhi\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("ms k 2 Cx\r\nhi\r\n"), "CLIENT_ERROR bad token in command line format\r\n");
  EXPECT_EQ(c.Send("ms k 2 Tx q\r\nhi\r\n"), "CLIENT_ERROR bad token in command line format\r\n");
  EXPECT_EQ(c.Send("ms k 2 Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nhi\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(c.Send("ms k 2 Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx MZ\r\nhi\r\n"),
            "CLIENT_ERROR invalid mode for ms M token\r\n");
  EXPECT_EQ(c.Send("ms k 2 c k O1 c\r\nhi\r\n"), "CLIENT_ERROR duplicate flag\r\n");
  EXPECT_EQ(c.Send("mg k\r\n"), "EN\r\n");
}

TEST(MetaSet, TooLargeDropsTheOldValueInEveryMode) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ms k 1048577 ME q\r\n" + std::string(1048577, 'x') + "\r\n"),
            "SERVER_ERROR object too large for cache\r\n");
  EXPECT_EQ(c.Send("mg k v\r\n"), "EN\r\n");
  EXPECT_EQ(c.Stat("curr_items"), "0");
}

// c is 0 when nothing was stored.
TEST(MetaSet, ReturnFlagsOnAFailedStore) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1 MR c k O1\r\nx\r\n"), "NS c0 kk O1\r\n");
  EXPECT_EQ(c.Send("ms k 1 c k O1\r\nx\r\n"), "HD c1 kk O1\r\n");
}

TEST(MetaSet, OtherReturnFlagsAreIgnored) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 2 MS k c O5 v s t f h l u\r\nhi\r\n"), "HD kk c1 O5\r\n");
}

TEST(MetaSet, ChunkedValues) {
  Connection c;
  EXPECT_EQ(c.Send("ms big 100000 c\r\n" + std::string(100000, 'y') + "\r\n"), "HD c1\r\n");
  EXPECT_EQ(c.Send("mg big s c f\r\n"), "HD s100000 c1 f0\r\n");
  EXPECT_EQ(c.Send("me big\r\n"), "ME big exp=-1 la=0 cas=1 fetch=yes cls=32 size=100062\r\n");
  EXPECT_EQ(c.Send("ma big\r\n"),
            "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
  EXPECT_EQ(c.Send("ms big 600000 MA\r\n" + std::string(600000, 'z') + "\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg big s\r\n"), "HD s700000\r\n");
  EXPECT_EQ(c.Send("me big\r\n"), "ME big exp=-1 la=0 cas=2 fetch=yes cls=41 size=700062\r\n");
}

TEST(MetaDelete, DeletesAndCountsLikeDelete) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("md k C1\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("md k C2 O7 k\r\n"), "NF O7 kk\r\n");
  EXPECT_EQ(c.Send("md k\r\n"), "NF\r\n");
  EXPECT_EQ(c.Send("md k q\r\n"), "NF\r\n");
  EXPECT_EQ(c.Send("md k q O1\r\n"), "NF O1\r\n");
  EXPECT_EQ(c.Stat("delete_hits"), "1");
  EXPECT_EQ(c.Stat("delete_misses"), "4");
}

TEST(MetaDelete, QuietHidesOnlyHd) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("md k C9 q\r\n"), "EX\r\n");
  EXPECT_EQ(c.Send("md k q\r\n"), "");
  EXPECT_EQ(c.Send("md k q\r\n"), "NF\r\n");
}

// md I keeps the item: the next reader gets it marked X and wins the token,
// later readers see Z. Only a cas older than the stale one may replace it.
TEST(MetaDelete, InvalidateMarksStaleAndBumpsTheCas) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("md k I T30\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k v c t\r\n"), "VA 1 c2 t30 X W\r\nx\r\n");
  EXPECT_EQ(c.Send("mg k v c t\r\n"), "VA 1 c2 t30 Z X\r\nx\r\n");
  EXPECT_EQ(c.Send("ms k 1 C3 I\r\ny\r\n"), "EX\r\n");
  EXPECT_EQ(c.Send("ms k 1 C1 I c\r\nz\r\n"), "HD c3\r\n");
  EXPECT_EQ(c.Send("mg k v c t\r\n"), "VA 1 c3 t30 Z X\r\nz\r\n");
  EXPECT_EQ(c.Send("ms k 1 c\r\nw\r\n"), "HD c4\r\n");
  EXPECT_EQ(c.Send("mg k v c\r\n"), "VA 1 c4\r\nw\r\n");
  EXPECT_EQ(c.Stat("delete_hits"), "0");
  EXPECT_EQ(c.Stat("cas_hits"), "1");
  EXPECT_EQ(c.Stat("cas_badval"), "1");
}

TEST(MetaDelete, StaleCasMustBeOlderNotEqual) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("md k I\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ms k 1 C2 I c\r\ny\r\n"), "HD c3\r\n");
  EXPECT_EQ(c.Send("ms k 1 C2 I c\r\nz\r\n"), "HD c4\r\n");
  EXPECT_EQ(c.Send("mg k v\r\n"), "VA 1 X W\r\nz\r\n");
}

TEST(MetaDelete, StaleSetOutsideCasModeIsIgnored) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("md k I\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ms k 1 I MR\r\ny\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg k v\r\n"), "VA 1\r\ny\r\n");
}

// md and ma report every flag problem with one message.
TEST(MetaDelete, Errors) {
  Connection c;
  EXPECT_EQ(c.Send("md\r\n"), "ERROR\r\n");
  EXPECT_EQ(
      c.Send(
          "md "
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL\r\n"),
      "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("md k Z\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
  EXPECT_EQ(c.Send("md k v v\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
  EXPECT_EQ(c.Send("md k Tx\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
  EXPECT_EQ(c.Send("md k Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(c.Send("md k O OO OOO OOOO OOOOO OOOOOO OOOOOOO OOOOOOOO OOOOOOOOO OOOOOOOOOO "
                   "OOOOOOOOOOO OOOOOOOOOOOO OOOOOOOOOOOOO OOOOOOOOOOOOOO OOOOOOOOOOOOOOO "
                   "OOOOOOOOOOOOOOOO OOOOOOOOOOOOOOOOO\r\n"),
            "CLIENT_ERROR invalid or duplicate flag\r\n");
}

TEST(MetaArithmetic, IncrementsDecrementsAndVivifies) {
  Connection c;
  EXPECT_EQ(c.Send("ma n\r\n"), "NF\r\n");
  EXPECT_EQ(c.Send("ma n q\r\n"), "NF\r\n");
  EXPECT_EQ(c.Send("ma n N0 J13 v\r\n"), "VA 2\r\n13\r\n");
  EXPECT_EQ(c.Send("ma n v\r\n"), "VA 2\r\n14\r\n");
  EXPECT_EQ(c.Send("ma n q v\r\n"), "");
  EXPECT_EQ(c.Send("ma n MD D5 v c t\r\n"), "VA 2 c4 t-1\r\n10\r\n");
  EXPECT_EQ(c.Send("ma n M- D100 v\r\n"), "VA 1\r\n0\r\n");
  EXPECT_EQ(c.Send("ma n M+ D18446744073709551615 v\r\n"), "VA 20\r\n18446744073709551615\r\n");
  EXPECT_EQ(c.Send("ma n MI v\r\n"), "VA 1\r\n0\r\n");
  EXPECT_EQ(c.Send("ma n k O1\r\n"), "HD kn O1\r\n");
  EXPECT_EQ(c.Send("ma zz k O1 MD\r\n"), "NF kzz O1\r\n");
  EXPECT_EQ(c.Stat("incr_hits"), "5");
  EXPECT_EQ(c.Stat("decr_hits"), "2");
  EXPECT_EQ(c.Stat("incr_misses"), "2");
  EXPECT_EQ(c.Stat("decr_misses"), "1");
}

TEST(MetaArithmetic, CasMustMatch) {
  Connection c;
  EXPECT_EQ(c.Send("ms n 1 c\r\n5\r\n"), "HD c1\r\n");
  EXPECT_EQ(c.Send("ma n C9 v\r\n"), "EX\r\n");
  EXPECT_EQ(c.Send("ma n C1 v c\r\n"), "VA 1 c2\r\n6\r\n");
  EXPECT_EQ(c.Send("ma n C0 v c\r\n"), "VA 1 c3\r\n7\r\n");
  EXPECT_EQ(c.Send("ma nokey C1\r\n"), "NF\r\n");
}

TEST(MetaArithmetic, VivifiedItemIsReportedEvenWhenQuiet) {
  Connection c;
  EXPECT_EQ(c.Send("ma n2 N0 q\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ma n3 N100 J5 t v c\r\n"), "VA 1 t100 c2\r\n5\r\n");
  EXPECT_EQ(c.Send("ma n3 T200 t v\r\n"), "VA 1 t200\r\n6\r\n");
  EXPECT_EQ(c.Send("mg n3 t v\r\n"), "VA 1 t200\r\n6\r\n");
  EXPECT_EQ(c.Send("ma n4 t N100\r\n"), "HD t-1\r\n");
  EXPECT_EQ(c.Send("mg n4 t\r\n"), "HD t100\r\n");
}

// A result longer than the old value goes to a new item; T changed the old one.
TEST(MetaArithmetic, TtlIsLostWhenTheResultOutgrowsTheItem) {
  Connection c;
  EXPECT_EQ(c.Send("ms w 2\r\n99\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ma w v T50 t\r\n"), "VA 3 t50\r\n100\r\n");
  EXPECT_EQ(c.Send("mg w v t\r\n"), "VA 3 t-1\r\n100\r\n");
  EXPECT_EQ(c.Send("ma w T50 t\r\n"), "HD t50\r\n");
  EXPECT_EQ(c.Send("mg w t\r\n"), "HD t50\r\n");
}

TEST(MetaArithmetic, NonNumericAndErrors) {
  Connection c;
  EXPECT_EQ(c.Send("ms s 3\r\nabc\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ma s\r\n"), "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
  EXPECT_EQ(c.Send("ms e 0\r\n\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ma e q\r\n"),
            "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
  EXPECT_EQ(c.Send("ma k MX\r\n"), "CLIENT_ERROR invalid mode for ma M token\r\n");
  EXPECT_EQ(c.Send("ma k Ma\r\n"), "CLIENT_ERROR invalid mode for ma M token\r\n");
  EXPECT_EQ(c.Send("ma k Jx\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
  EXPECT_EQ(c.Send("ma k Dx\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
  EXPECT_EQ(c.Send("ma k D-1\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
  EXPECT_EQ(c.Send("ma\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("ma n Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(c.Send("ma n N0 Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(c.Send("mg n v\r\n"), "VA 1\r\n0\r\n");
}

// exp counts up to the expiry: negative while the item lives.
TEST(MetaDebug, ShowsTheItemHeader) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 1 T100\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("me k\r\n"), "ME k exp=-100 la=0 cas=1 fetch=no cls=1 size=61\r\n");
  EXPECT_EQ(c.Send("mg k\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("me k extra tokens\r\n"),
            "ME k exp=-100 la=0 cas=1 fetch=yes cls=1 size=61\r\n");
  EXPECT_EQ(c.Send("me nokey\r\n"), "EN\r\n");
  EXPECT_EQ(c.Send("ms f 1 F1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("me f\r\n"), "ME f exp=-1 la=0 cas=2 fetch=no cls=1 size=65\r\n");
  EXPECT_EQ(c.Stat("cmd_meta"), "4");
  EXPECT_EQ(c.Stat("cmd_get"), "1");
}

TEST(MetaDebug, Errors) {
  Connection c;
  EXPECT_EQ(c.Send("me\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(
      c.Send(
          "me "
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL\r\n"),
      "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("me !!! b\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("me k q\r\n"), "EN\r\n");
  EXPECT_EQ(c.Stat("cmd_meta"), "1");
}

// A key stored with b is binary: k returns it encoded, whatever the request.
TEST(MetaBase64, BinaryKeysAreReturnedEncoded) {
  Connection c;
  EXPECT_EQ(c.Send("ms Zm9v 3 b k c\r\nbar\r\n"), "HD kZm9v b c1\r\n");
  EXPECT_EQ(c.Send("mg foo v k\r\n"), "VA 3 kZm9v b\r\nbar\r\n");
  EXPECT_EQ(c.Send("mg Zm9v b v k\r\n"), "VA 3 kZm9v b\r\nbar\r\n");
  EXPECT_EQ(c.Send("me foo\r\n"), "ME Zm9v exp=-1 la=0 cas=1 fetch=yes cls=1 size=65\r\n");
  EXPECT_EQ(c.Send("me Zm9v b\r\n"), "ME Zm9v exp=-1 la=0 cas=1 fetch=yes cls=1 size=65\r\n");
  EXPECT_EQ(c.Send("mg Zm9vYg== b k q\r\n"), "");
  EXPECT_EQ(c.Send("mg Zm9vYg== b k O1\r\n"), "EN kZm9vYg== b O1\r\n");
  EXPECT_EQ(c.Send("md Zm9vYg== b k\r\n"), "NF kZm9vYg== b\r\n");
  EXPECT_EQ(c.Send("ma Zm9vYg== b k\r\n"), "NF kZm9vYg== b\r\n");
  EXPECT_EQ(c.Send("md Zm9v b q\r\n"), "");
  EXPECT_EQ(c.Send("mg foo\r\n"), "EN\r\n");
}

TEST(MetaBase64, CachedumpSkipsBinaryKeys) {
  Connection c;
  EXPECT_EQ(c.Send("ms YQ== 1 b\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("ms b 1\r\nx\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("stats cachedump 1 0\r\n"), "ITEM b [1 b; 0 s]\r\nEND\r\n");
}

// Bytes outside the alphabet are skipped; decoding stops after the first padded group.
TEST(MetaBase64, DecodingRules) {
  Connection c;
  EXPECT_EQ(c.Send("ms Zm9v 3 b\r\nbar\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("mg Zm9v= b\r\n"), "CLIENT_ERROR error decoding key\r\n");
  EXPECT_EQ(c.Send("mg !!!! b\r\n"), "CLIENT_ERROR error decoding key\r\n");
  EXPECT_EQ(c.Send("mg Zm*9v b v\r\n"), "VA 3\r\nbar\r\n");
  EXPECT_EQ(c.Send("mg Zm9v==== b v\r\n"), "CLIENT_ERROR error decoding key\r\n");
  EXPECT_EQ(c.Send("mg Zg==Zm9v b k\r\n"), "EN kZg== b\r\n");
  EXPECT_EQ(c.Send("mg A=== b\r\n"), "CLIENT_ERROR error decoding key\r\n");
  EXPECT_EQ(c.Send("mg ==== b\r\n"), "CLIENT_ERROR error decoding key\r\n");
  EXPECT_EQ(c.Send("mg QQ== b k\r\n"), "EN kQQ== b\r\n");
  EXPECT_EQ(c.Send("mg b b\r\n"), "CLIENT_ERROR error decoding key\r\n");
  EXPECT_EQ(c.Send("mg k b b\r\n"), "CLIENT_ERROR duplicate flag\r\n");
}

TEST(MetaBase64, ArithmeticAndVivifyDoNotMarkKeysBinary) {
  Connection c;
  EXPECT_EQ(c.Send("ma YQ== b N0 k\r\n"), "HD kYQ== b\r\n");
  EXPECT_EQ(c.Send("mg a k\r\n"), "HD ka\r\n");
  EXPECT_EQ(c.Send("mg Yg== b N0 k\r\n"), "HD kb W\r\n");
  EXPECT_EQ(c.Send("mg b k\r\n"), "HD kb Z\r\n");
}

TEST(MetaErrors, TokenCountsAndKeyLength) {
  Connection c;
  EXPECT_EQ(c.Send("mg\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("ms\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("md\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("ma\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("mz k\r\n"), "ERROR\r\n");
  EXPECT_EQ(
      c.Send(
          "mg "
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL v\r\n"),
      "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("mg k v0 k1 c2 f3 t4 s5 v6 k7 c8 f9 t10 s11 v12 k13 c14 f15 t16\r\n"),
            "CLIENT_ERROR duplicate flag\r\n");
  EXPECT_EQ(c.Send("mg k v0 k1 c2 f3 t4 s5 v6 k7 c8 f9 t10 s11 v12 k13 c14 f15 t16 s17\r\n"),
            "CLIENT_ERROR options flags are too long\r\n");
  EXPECT_EQ(c.Send("ms k 2 A B C D E F G H I J K L M N O P\r\nhi\r\n"),
            "CLIENT_ERROR invalid flag\r\n");
  EXPECT_EQ(c.Send("ms k 2 A B C D E F G H I J K L M N O P Q\r\nhi\r\n"),
            "CLIENT_ERROR options flags too long\r\nERROR\r\n");
}

// An unknown or repeated flag stops the parse; a bad value lets later flags
// replace the message.
TEST(MetaErrors, FlagErrors) {
  Connection c;
  EXPECT_EQ(c.Send("mg k E\r\n"), "CLIENT_ERROR invalid flag\r\n");
  EXPECT_EQ(c.Send("mg k v v\r\n"), "CLIENT_ERROR duplicate flag\r\n");
  EXPECT_EQ(c.Send("mg k \377\r\n"), "CLIENT_ERROR duplicate flag\r\n");
  EXPECT_EQ(c.Send("mg k T\r\n"), "CLIENT_ERROR bad token in command line format\r\n");
  EXPECT_EQ(c.Send("mg k Nx Tx\r\n"), "CLIENT_ERROR bad token in command line format\r\n");
  EXPECT_EQ(c.Send("mg k Nx Ma\r\n"), "CLIENT_ERROR bad token in command line format\r\n");
  EXPECT_EQ(c.Send("mg k !!!! b Nx\r\n"), "CLIENT_ERROR invalid flag\r\n");
  EXPECT_EQ(c.Send("mg k Nx !!!! b\r\n"), "CLIENT_ERROR invalid flag\r\n");
  EXPECT_EQ(c.Send("mg k Rx\r\n"), "CLIENT_ERROR bad token in command line format\r\n");
  EXPECT_EQ(c.Send("mg k Cx\r\n"), "CLIENT_ERROR bad token in command line format\r\n");
  EXPECT_EQ(c.Send("mg k Fx\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("mg k Jx D1\r\n"), "CLIENT_ERROR invalid numeric initial value\r\n");
  EXPECT_EQ(c.Send("mg k Dx Jx\r\n"), "CLIENT_ERROR invalid numeric initial value\r\n");
  EXPECT_EQ(c.Send("mg k Mab\r\n"), "CLIENT_ERROR incorrect length for M token\r\n");
}

TEST(MetaErrors, QuietDoesNotHideErrors) {
  Connection c;
  EXPECT_EQ(c.Send("mg k q v v\r\n"), "CLIENT_ERROR duplicate flag\r\n");
  EXPECT_EQ(c.Send("ms k q\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("md k q Z\r\n"), "CLIENT_ERROR invalid or duplicate flag\r\n");
  EXPECT_EQ(c.Send("ma k q MZ\r\n"), "CLIENT_ERROR invalid mode for ma M token\r\n");
  EXPECT_EQ(c.Send("mg k q Oxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"),
            "CLIENT_ERROR opaque token too long\r\n");
}

TEST(MetaErrors, TokenizerRules) {
  Connection c;
  EXPECT_EQ(c.Send("ms   k   2   c\r\nhi\r\n"), "HD c1\r\n");
  EXPECT_EQ(c.Send("mg k  v  \r\n"), "VA 2\r\nhi\r\n");
  EXPECT_EQ(c.Send("mg k\000 v\r\n"s), "HD\r\n");
  EXPECT_EQ(c.Send("mg k v\n"), "VA 2\r\nhi\r\n");
}

TEST(MetaPipeline, QuietRequestsBetweenOthers) {
  Connection c;
  EXPECT_EQ(
      c.Send(
          "ms a 1\r\n1\r\nmg a v\r\nmg b\r\nmg b q\r\nma a v\r\nmd a q\r\nmg a q k O1\r\nmg a\r\n"),
      "HD\r\nVA 1\r\n1\r\nEN\r\nVA 1\r\n2\r\nEN\r\n");
}

TEST(MetaPipeline, LongGetKeyDropsQueuedMetaResponses) {
  Connection c;
  EXPECT_EQ(
      c.Send(
          "ms a 1\r\n1\r\nmg a v\r\nmd b\r\nget a "
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
          "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL\r\n"),
      "CLIENT_ERROR bad command line format\r\n");
}

TEST(MetaCas, WithoutCasEverythingIsZero) {
  Connection c({"-C"});
  EXPECT_EQ(c.Send("ms k 1 c\r\nx\r\n"), "HD c0\r\n");
  EXPECT_EQ(c.Send("mg k c\r\n"), "HD c0\r\n");
  EXPECT_EQ(c.Send("md k C0\r\n"), "HD\r\n");
  EXPECT_EQ(c.Send("md k C1\r\n"), "NF\r\n");
  EXPECT_EQ(c.Send("ms k 1 C0 c\r\ny\r\n"), "NF c0\r\n");
  EXPECT_EQ(c.Send("ma n N0 c\r\n"), "HD c0\r\n");
  EXPECT_EQ(c.Send("md k I c\r\n"), "NF\r\n");
  EXPECT_EQ(c.Send("mg k c v\r\n"), "EN\r\n");
  EXPECT_EQ(c.Send("me k\r\n"), "EN\r\n");
}

// The value of an ms may arrive in pieces; the return flags wait for it.
TEST(MetaSet, ValueSplitAcrossReads) {
  Connection c;
  EXPECT_EQ(c.Send("ms k 5 c k O1"), "");
  EXPECT_EQ(c.Send("\r\nhel"), "");
  EXPECT_EQ(c.Send("lo\r"), "");
  EXPECT_EQ(c.Send("\n"), "HD c1 kk O1\r\n");
  EXPECT_EQ(c.Send("mg k v\r\n"), "VA 5\r\nhello\r\n");
}

}  // namespace
}  // namespace mcspec::ref
