#include "common/result.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return Unexpected(Error{ErrorCode::kInvalidArgument, "odd", "n"});
  return n / 2;
}

TEST(ResultTest, HoldsValueOrError) {
  auto ok = Half(4);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 2);
  auto bad = Half(3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().ToString(), "n: odd");
}

TEST(ResultTest, VoidResult) {
  Result<void> ok = Ok();
  EXPECT_TRUE(ok.has_value());
  Result<void> bad = Error{ErrorCode::kIo, "disk", ""};
  EXPECT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().ToString(), "disk");
}

}  // namespace
}  // namespace tributary
