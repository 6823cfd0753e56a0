// Tests of the error hierarchy's formatting.
#include "symnas/common/error.hpp"

#include <gtest/gtest.h>

namespace symnas {
namespace {

TEST(ErrorTest, WhatHasClassMessageAndLocation) {
  ConfigError error("budget 'flops' must be positive", {"study.yaml", 12, 5});
  EXPECT_STREQ(error.what(), "ConfigError: budget 'flops' must be positive at study.yaml:12:5");
  EXPECT_EQ(error.class_name(), "ConfigError");
  EXPECT_EQ(error.message(), "budget 'flops' must be positive");
}

TEST(ErrorTest, UnknownLocationIsLeftOut) {
  DatasetError error("no such directory /nope");
  EXPECT_STREQ(error.what(), "DatasetError: no such directory /nope");
}

TEST(ErrorTest, LineWithoutFile) {
  EXPECT_EQ((SourceLocation{"", 4, 32}).ToString(), "4:32");
  EXPECT_EQ((SourceLocation{"a.pl", 4, 0}).ToString(), "a.pl:4");
}

TEST(ErrorTest, UnknownNameListsValidNames) {
  EXPECT_EQ(UnknownNameMessage("strategy", "bayes", "random, bo"),
            "unknown strategy 'bayes'; valid names: random, bo");
}

}  // namespace
}  // namespace symnas
