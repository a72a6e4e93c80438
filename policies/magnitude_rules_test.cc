// The magnitude rules against the published oracles O5-O9
// (../shared/SDC-ORACLES.md), pinning the conventions: dominance "> k %",
// p% in percent with "rest < p/100 · x1".
#include "policies/magnitude_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::policies {
namespace {

v1::DominanceRule Dominance(int n, double k) {
  v1::DominanceRule rule;
  rule.set_n(n);
  rule.set_k(k);
  return rule;
}

v1::PPercentRule PPercent(double p) {
  v1::PPercentRule rule;
  rule.set_p(p);
  return rule;
}

// O5: sdcTable test-primarySuppression.r on microdata1 `val`.
const Contributions kAFemale{20, 11, 9};      // cell 6: n = 2, rest 0
const Contributions kDMale{366, 280, 11};     // cell 14: n = 11, rest 75
const Contributions kDTotal{518, 280, 18};    // cell 13: rest 220

TEST(MagnitudeRulesTest, O5DominanceTwoSeventyFive) {
  const DominanceRule rule(Dominance(2, 75));
  EXPECT_TRUE(rule.Unsafe(kAFemale));
  EXPECT_TRUE(rule.Unsafe(kDMale));
  EXPECT_FALSE(rule.Unsafe(kDTotal));
}

TEST(MagnitudeRulesTest, O5DominanceOneSeventyFiveFlagsOnlyCell14) {
  const DominanceRule rule(Dominance(1, 75));
  EXPECT_FALSE(rule.Unsafe(kAFemale));  // 11 <= 15
  EXPECT_TRUE(rule.Unsafe(kDMale));     // 280 > 274.5
}

TEST(MagnitudeRulesTest, O5PPercentAtTenThirtySeventy) {
  EXPECT_TRUE(PPercentRule(PPercent(10)).Unsafe(kAFemale));
  EXPECT_FALSE(PPercentRule(PPercent(10)).Unsafe(kDMale));  // 75 >= 28
  EXPECT_TRUE(PPercentRule(PPercent(30)).Unsafe(kDMale));   // 75 < 84
  EXPECT_TRUE(PPercentRule(PPercent(70)).Unsafe(kAFemale));
  EXPECT_TRUE(PPercentRule(PPercent(70)).Unsafe(kDMale));
  // Borderline: D/total is safe at p = 70 because 220 >= 0.7 · 280 = 196.
  EXPECT_FALSE(PPercentRule(PPercent(70)).Unsafe(kDTotal));
}

TEST(MagnitudeRulesTest, O6HandbookExample1) {
  const Contributions c{100000, 50000, 49000};
  EXPECT_FALSE(DominanceRule(Dominance(1, 90)).Unsafe(c));  // 50,000 < 90,000
  EXPECT_TRUE(PPercentRule(PPercent(10)).Unsafe(c));        // 1,000 < 5,000
}

TEST(MagnitudeRulesTest, O7HandbookExample2) {
  const Contributions c{110000, 52000, 50000};
  EXPECT_FALSE(PPercentRule(PPercent(10)).Unsafe(c));        // 8,000 >= 5,200
  EXPECT_TRUE(DominanceRule(Dominance(2, 90.9)).Unsafe(c));  // 102,000 > 99,990
}

TEST(MagnitudeRulesTest, O8UpperProtectionOfTheOneEightyFiveRule) {
  // Cell 330 = 300 + 20 + 10: the attacker's upper bound must reach
  // 100/85 · 300 = 352.94, i.e. 22.94 above the cell.
  const Contributions c{330, 300, 20};
  EXPECT_NEAR(DominanceRule(Dominance(1, 85)).UpperProtection(c), 22.94, 0.005);
}

TEST(MagnitudeRulesTest, O9CoxPPercentSafeUpperValue) {
  // Contributions 10M, 6M, 1M; p = 20 %: UPL = 2 - 1 = 1M, so 18M is safe.
  const Contributions c{17, 10, 6};
  EXPECT_TRUE(PPercentRule(PPercent(20)).Unsafe(c));
  EXPECT_DOUBLE_EQ(PPercentRule(PPercent(20)).UpperProtection(c), 1);
}

TEST(MagnitudeRulesTest, BoundaryIsStrict) {
  // Exactly k %: not "> k %", so safe. Exactly p/100 · x1 left: safe.
  EXPECT_FALSE(DominanceRule(Dominance(1, 50)).Unsafe({100, 50, 10}));
  EXPECT_FALSE(PPercentRule(PPercent(10)).Unsafe({115, 100, 5}));  // rest 10 = 10
  EXPECT_TRUE(PPercentRule(PPercent(10)).Unsafe({114, 100, 5}));
  EXPECT_DOUBLE_EQ(DominanceRule(Dominance(1, 50)).UpperProtection({100, 50, 10}), 0);
}

}  // namespace
}  // namespace cellgate::policies
