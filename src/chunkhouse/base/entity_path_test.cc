#include "chunkhouse/base/entity_path.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace chunkhouse {
namespace {

TEST(EntityPath, ForgivingParse) {
  EXPECT_EQ(EntityPath::Parse("").ToString(), "/");
  EXPECT_EQ(EntityPath::Parse("//").ToString(), "/");
  EXPECT_EQ(EntityPath::Parse("/foo///bar//").ToString(), "/foo/bar");
  EXPECT_EQ(EntityPath::Parse("world/robot").parts(), (std::vector<std::string>{"world", "robot"}));
  EXPECT_EQ(EntityPath::Parse("a\\/b").parts(), (std::vector<std::string>{"a/b"}));
}

TEST(EntityPath, DisplayEscapes) {
  EXPECT_EQ(EntityPath::Parse("my entity/with:colon").ToString(), "/my\\ entity/with\\:colon");
  EXPECT_EQ(EntityPath::Parse("foo/#bar").ToString(), "/foo/\\#bar");
  EXPECT_EQ(EntityPath::Parse("Hallå").ToString(), "/Hallå");
  EXPECT_EQ(EntityPath::Parse(EntityPath::Parse("my entity/with:colon").ToString()).ToString(),
            "/my\\ entity/with\\:colon");
}

TEST(EntityPath, NaturalOrder) {
  std::vector<std::string> names = {"/img2", "/img10", "/img3", "/Img9", "/__x"};
  std::vector<EntityPath> paths;
  for (const auto& n : names) paths.push_back(EntityPath::Parse(n));
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> sorted;
  for (const auto& p : paths) sorted.push_back(p.ToString());
  EXPECT_EQ(sorted, (std::vector<std::string>{"/Img9", "/img2", "/img3", "/img10", "/__x"}));
  EXPECT_LT(EntityPath::Parse("/a/b"), EntityPath::Parse("/a0"));
  EXPECT_LT(ComparePathParts("a", "B"), 0);
  EXPECT_LT(ComparePathParts("B", "b"), 0);
  EXPECT_LT(ComparePathParts("1.02", "1.1"), 0);
  EXPECT_LT(ComparePathParts("a2", "a10"), 0);
}

TEST(EntityPathFilter, LastMatchingRuleWins) {
  auto f = EntityPathFilter::Parse("+ /world/** - /world - /world/car/** + /world/car/driver");
  EXPECT_FALSE(f.Matches(EntityPath::Parse("/world")));
  EXPECT_TRUE(f.Matches(EntityPath::Parse("/world/house")));
  EXPECT_FALSE(f.Matches(EntityPath::Parse("/world/car")));
  EXPECT_FALSE(f.Matches(EntityPath::Parse("/world/car/hood")));
  EXPECT_TRUE(f.Matches(EntityPath::Parse("/world/car/driver")));
  EXPECT_FALSE(f.Matches(EntityPath::Parse("/world/car/driver/head")));
  EXPECT_FALSE(f.Matches(EntityPath::Parse("/unworldly")));
}

TEST(EntityPathFilter, PropertiesHiddenUnlessNamed) {
  EXPECT_FALSE(EntityPathFilter::Parse("/**").Matches(EntityPath::Parse("/__properties")));
  EXPECT_TRUE(EntityPathFilter::Parse("/** /__properties/**").Matches(EntityPath::Parse("/__properties/a")));
  EXPECT_FALSE(EntityPathFilter::Parse("").Matches(EntityPath::Parse("/a")));
  EXPECT_TRUE(EntityPathFilter::Parse("/**\n- /world/**").Matches(EntityPath::Parse("/a")));
  EXPECT_FALSE(EntityPathFilter::Parse("/**\n- /world/**").Matches(EntityPath::Parse("/world/x")));
}

}  // namespace
}  // namespace chunkhouse
