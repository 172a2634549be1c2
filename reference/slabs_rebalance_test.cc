// `slabs reassign` and `slabs automove`: every reply and figure below was
// observed on memcached 1.6.18 (-t 1), with the probes described in each
// test. memcached moves pages in a thread; the probes waited for
// slab_reassign_running to read 0 before looking. The reference finishes a
// move at the end of the request that asked for it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testing/test_connection.h"

namespace mcspec::ref {
namespace {

using Connection = testing::TestConnection;

TEST(SlabsCommand, Replies) {
  Connection c({"-t", "1"});
  EXPECT_EQ(c.Send("slabs\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs reassign\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs reassign 1\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs reassign 1 2\r\n"), "NOSPARE source class has no spare pages\r\n");
  EXPECT_EQ(c.Send("slabs reassign 1 1\r\n"), "SAME src and dst class are identical\r\n");
  EXPECT_EQ(c.Send("slabs reassign -1 -1\r\n"), "SAME src and dst class are identical\r\n");
  EXPECT_EQ(c.Send("slabs reassign x 2\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("slabs reassign 1 x\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("slabs reassign 99 1\r\n"), "BADCLASS invalid src or dst class id\r\n");
  EXPECT_EQ(c.Send("slabs reassign 1 64\r\n"), "BADCLASS invalid src or dst class id\r\n");
  EXPECT_EQ(c.Send("slabs reassign -2 1\r\n"), "BADCLASS invalid src or dst class id\r\n");
  EXPECT_EQ(c.Send("slabs reassign 0 1\r\n"), "NOSPARE source class has no spare pages\r\n");
  // No class has a spare page to pick.
  EXPECT_EQ(c.Send("slabs reassign -1 1\r\n"), "BADCLASS invalid src or dst class id\r\n");
  // Six tokens are no reassign; the ERROR ignores noreply.
  EXPECT_EQ(c.Send("slabs reassign 1 2 noreply\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs bogus noreply\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs automove 5 noreply\r\n"), "");
  EXPECT_EQ(c.Send("slabs automove x noreply\r\n"), "");
  // 4294967297 is parsed in 64 bits and truncated to 1.
  EXPECT_EQ(c.Send("slabs reassign 4294967297 2\r\n"),
            "NOSPARE source class has no spare pages\r\n");
  EXPECT_EQ(c.Send("slabs automove\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs automove 3\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs automove x\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("slabs automove -1\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(c.Send("slabs automove 2\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("slabs automove 0 noreply\r\n"), "");
  EXPECT_EQ(c.Send("slabs automove ratio\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs automove ratio x 1\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs automove ratio 0.5\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("slabs automove ratio 0.5 noreply\r\n"), "");
  EXPECT_EQ(c.Send("slabs automove 1 2\r\n"), "OK\r\n");
  EXPECT_EQ(c.Send("slabs bogus 1 2\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs automove 1\r\n"), "OK\r\n");
  EXPECT_EQ(c.Stat("slab_automove", "stats settings"), "1");
  EXPECT_EQ(c.Stat("slab_automove_ratio", "stats settings"), "0.50");
}

TEST(SlabsCommand, RepliesWithoutSlabReassign) {
  Connection c({"-t", "1", "-o", "no_modern"});
  EXPECT_EQ(c.Send("slabs reassign 1 2\r\n"), "CLIENT_ERROR slab reassignment disabled\r\n");
  EXPECT_EQ(c.Send("slabs reassign x 2\r\n"), "CLIENT_ERROR slab reassignment disabled\r\n");
  EXPECT_EQ(c.Send("slabs reassign 1 2 3\r\n"), "ERROR\r\n");
  EXPECT_EQ(c.Send("slabs automove 1\r\n"), "OK\r\n");
  EXPECT_EQ(c.Stat("slabs_moved"), "");  // not reported without slab_reassign
}

std::string SetMany(int count) {
  std::string input;
  for (int i = 0; i < count; ++i) {
    input += "set k" + std::to_string(i) + " 0 0 10 noreply\r\n0123456789\r\n";
  }
  return input;
}

// Probe: -m 64, `slabs automove 0`; 11000 items of class 1 (10922 chunks a
// page): the first page holds k0..k10921, the second k10922..k10999 and
// 10844 free chunks. k5000 is deleted, so its chunk tops the free list.
// `slabs reassign 1 0` then empties the first page from its first chunk,
// which holds k10921 (a page hands out its last chunk first): the first
// rescue meets k5000's chunk on the free list (an inline reclaim), 10844
// items are rescued into the second page, and the last 77 chunks, k76..k0,
// find no room.
TEST(SlabsReassign, RescuesThenEvictsTheFirstPagesItems) {
  Connection c({"-t", "1", "-m", "64"});
  EXPECT_EQ(c.Send("slabs automove 0\r\n"), "OK\r\n");
  c.Send(SetMany(11000));
  EXPECT_EQ(c.Send("delete k5000\r\n"), "DELETED\r\n");
  EXPECT_EQ(c.Send("gets k200\r\n"), "VALUE k200 0 10 201\r\n0123456789\r\nEND\r\n");
  EXPECT_EQ(c.Stat("1:free_chunks", "stats slabs"), "10845");
  EXPECT_EQ(c.Send("slabs reassign 1 0\r\n"), "OK\r\n");
  EXPECT_EQ(c.Stat("slab_reassign_rescues"), "10844");
  EXPECT_EQ(c.Stat("slab_reassign_chunk_rescues"), "0");
  EXPECT_EQ(c.Stat("slab_reassign_evictions_nomem"), "77");
  EXPECT_EQ(c.Stat("slab_reassign_inline_reclaim"), "1");
  EXPECT_EQ(c.Stat("slab_reassign_busy_items"), "0");
  EXPECT_EQ(c.Stat("slab_reassign_busy_deletes"), "0");
  EXPECT_EQ(c.Stat("slab_reassign_running"), "0");
  EXPECT_EQ(c.Stat("slabs_moved"), "1");
  EXPECT_EQ(c.Stat("curr_items"), "10922");
  EXPECT_EQ(c.Stat("total_items"), "21844");  // a rescue links a copy
  EXPECT_EQ(c.Stat("slab_global_page_pool"), "1");
  EXPECT_EQ(c.Stat("evictions"), "0");
  EXPECT_EQ(c.Stat("1:total_pages", "stats slabs"), "1");
  EXPECT_EQ(c.Stat("1:total_chunks", "stats slabs"), "10922");
  EXPECT_EQ(c.Stat("1:used_chunks", "stats slabs"), "10922");
  EXPECT_EQ(c.Stat("1:free_chunks", "stats slabs"), "0");
  // Below the limit, the pooled page stays allocated.
  EXPECT_EQ(c.Stat("total_malloced", "stats slabs"), "2097152");
  // k200 was the 10721st rescue: its copy has a new cas.
  EXPECT_EQ(c.Send("gets k200\r\n"), "VALUE k200 0 10 21721\r\n0123456789\r\nEND\r\n");
  std::vector<int> missing;
  for (int i = 0; i < 11000; ++i) {
    if (c.Send("get k" + std::to_string(i) + "\r\n") == "END\r\n") missing.push_back(i);
  }
  std::vector<int> expected;
  for (int i = 0; i <= 76; ++i) expected.push_back(i);
  expected.push_back(5000);
  EXPECT_EQ(missing, expected);
  // The pool has one page, class 1 one: neither can give.
  EXPECT_EQ(c.Send("slabs reassign 0 2\r\n"), "NOSPARE source class has no spare pages\r\n");
  EXPECT_EQ(c.Send("slabs reassign 1 0\r\n"), "NOSPARE source class has no spare pages\r\n");
  EXPECT_EQ(c.Stat("slab_global_page_pool"), "1");
  EXPECT_EQ(c.Stat("slabs_moved"), "1");
  // A class's new page comes from the pool before new memory.
  EXPECT_EQ(c.Send("set big 0 0 200\r\n" + std::string(200, 'x') + "\r\n"), "STORED\r\n");
  EXPECT_EQ(c.Stat("slab_global_page_pool"), "0");
  EXPECT_EQ(c.Stat("total_malloced", "stats slabs"), "2097152");
  EXPECT_EQ(c.Stat("active_slabs", "stats slabs"), "2");
}

// automove 1 returns pages a class has had free for a whole window to the
// global pool, keeping some spare. memcached 1.6.18 (-t 1 -m 64 -o
// slab_automove_window=3), given the same requests, settles within seconds
// on exactly this: 3 of class 1's 5 pages moved, 2 kept, nothing freed.
TEST(SlabAutomove, ReturnsPagesFreeForAWholeWindowToTheGlobalPool) {
  Connection c({"-t", "1", "-m", "64", "-o", "slab_automove_window=3"});
  std::string requests;
  for (int i = 0; i < 50000; ++i)
    requests += "set k" + std::to_string(i) + " 0 0 1 noreply\r\nv\r\n";
  for (int i = 0; i < 50000; ++i) requests += "delete k" + std::to_string(i) + " noreply\r\n";
  ASSERT_EQ(c.Send(requests), "");
  ASSERT_EQ(c.Send("debugtime 1\r\n"), "OK\r\n");
  EXPECT_EQ(c.Stat("slabs_moved"), "0");  // the window is not full yet
  for (int second = 0; second < 5; ++second) ASSERT_EQ(c.Send("debugtime 1\r\n"), "OK\r\n");
  EXPECT_EQ(c.Stat("slabs_moved"), "3");
  EXPECT_EQ(c.Stat("slab_global_page_pool"), "3");
  EXPECT_EQ(c.Stat("1:total_pages", "stats slabs"), "2");
  EXPECT_EQ(c.Stat("1:free_chunks", "stats slabs"), "21844");
  EXPECT_EQ(c.Stat("total_malloced", "stats slabs"), "5242880");
}

// automove 2 asks for a page from any class at every eviction. memcached
// 1.6.18 (-t 1 -m 8 -o slab_automove=2) ends this workload with exactly these
// figures: class 1's free pages moved to class 12, where 900-byte values
// were evicting.
TEST(SlabAutomove, EvictionsTakePagesFromOtherClasses) {
  Connection c({"-t", "1", "-m", "8", "-o", "slab_automove=2"});
  std::string requests;
  for (int i = 0; i < 40000; ++i)
    requests += "set a" + std::to_string(i) + " 0 0 1 noreply\r\nv\r\n";
  for (int i = 0; i < 40000; ++i) requests += "delete a" + std::to_string(i) + " noreply\r\n";
  const std::string big(900, 'x');
  for (int i = 0; i < 9000; ++i) {
    requests += "set b" + std::to_string(i) + " 0 0 900 noreply\r\n" + big + "\r\n";
  }
  ASSERT_EQ(c.Send(requests), "");
  EXPECT_EQ(c.Stat("slabs_moved"), "3");
  EXPECT_EQ(c.Stat("slab_global_page_pool"), "0");
  EXPECT_EQ(c.Stat("evictions"), "2805");
  EXPECT_EQ(c.Stat("1:total_pages", "stats slabs"), "1");
  EXPECT_EQ(c.Stat("12:total_pages", "stats slabs"), "7");
  EXPECT_EQ(c.Stat("total_malloced", "stats slabs"), "8388608");
}

}  // namespace
}  // namespace mcspec::ref
