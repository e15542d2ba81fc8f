//===- StringTableTest.cpp - The parser's and printer's name tables -------===//
//
// StringTable against a std::map model: insertions, duplicates, lookups of
// absent names, growth past many doublings, names whose hashes share a slot,
// and clearing (which must leave a table that works at any later size).
//
//===----------------------------------------------------------------------===//
#include "ir/detail/StringTable.h"
#include "gtest/gtest.h"
#include <map>
#include <string>
#include <vector>

using namespace irc;

namespace {
/// Names owned by the test: the table keeps references to them.
std::vector<std::string> makeNames(int n, const std::string &prefix) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i)
    names.push_back(prefix + std::to_string(i));
  return names;
}

TEST(StringTable, EmptyTableFindsNothing) {
  StringTable<int> table;
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.find("x"), nullptr);
  EXPECT_EQ(table.lookup("x"), 0);
  EXPECT_FALSE(table.contains(""));
  table.prefetch("x"); // no slots yet: a no-op
}

TEST(StringTable, MatchesAMapThroughGrowth) {
  // 20,000 names grow the table from 64 slots through nine doublings.
  std::vector<std::string> names = makeNames(20000, "v");
  StringTable<int> table;
  std::map<std::string, int> model;
  for (int i = 0; i < int(names.size()); ++i) {
    table.prefetch(names[i]);
    ASSERT_TRUE(table.insert(names[i], i));
    model[names[i]] = i;
    // A second insertion of any earlier name fails and changes nothing.
    const std::string &earlier = names[i / 2];
    ASSERT_FALSE(table.insert(earlier, -1));
    ASSERT_EQ(table.lookup(earlier), model[earlier]);
  }
  EXPECT_EQ(table.size(), names.size());
  for (const auto &[name, value] : model) {
    const int *found = table.find(name);
    ASSERT_NE(found, nullptr) << name;
    EXPECT_EQ(*found, value);
  }
  // Names that are prefixes or extensions of stored ones are absent.
  EXPECT_FALSE(table.contains("v"));
  EXPECT_FALSE(table.contains("v199999"));
  EXPECT_FALSE(table.contains("x0"));
}

TEST(StringTable, EmptyNameIsAName) {
  StringTable<int> table;
  EXPECT_TRUE(table.insert("", 7));
  EXPECT_FALSE(table.insert("", 8));
  EXPECT_EQ(table.lookup(""), 7);
  EXPECT_FALSE(table.contains("a"));
}

TEST(StringTable, ClearForgetsEveryNameAndStaysUsable) {
  std::vector<std::string> big = makeNames(5000, "big");
  std::vector<std::string> small = makeNames(10, "small");
  StringTable<char> table;
  for (const std::string &n : big)
    ASSERT_TRUE(table.insert(n));
  table.clear();
  EXPECT_EQ(table.size(), 0u);
  for (const std::string &n : big)
    ASSERT_FALSE(table.contains(n)) << n;
  // After a large function, a small one and then a large one again.
  for (const std::string &n : small)
    ASSERT_TRUE(table.insert(n));
  table.clear();
  table.clear(); // clearing an empty table is fine
  for (const std::string &n : big)
    ASSERT_TRUE(table.insert(n));
  for (const std::string &n : small)
    EXPECT_FALSE(table.contains(n));
  EXPECT_EQ(table.size(), big.size());
}
} // namespace
