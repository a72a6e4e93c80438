#include "policies/magnitude_rules.h"

namespace cellgate::policies {
namespace {

// Marks the cells where `unsafe` holds for any SUM or MEAN measure.
template <typename Rule>
void MarkSums(const Rule& rule, const v1::ComputedTable& table, CellMarks& marks) {
  for (int m = 0; m < table.measures_size(); ++m) {
    if (table.measures(m).measure().kind() == v1::Measure::COUNT) continue;
    for (int cell = 0; cell < table.record_count_size(); ++cell) {
      if (table.record_count(cell) == 0) continue;
      if (rule.Unsafe(ContributionsOf(table, m, cell))) marks.MarkPrimary(cell, rule.id());
    }
  }
}

}  // namespace

Contributions ContributionsOf(const v1::ComputedTable& table, int m, int cell) {
  const v1::MeasureFacts& facts = table.measures(m);
  Contributions c;
  c.sum = static_cast<double>(facts.sum(cell));
  if (facts.contributors_size() > 0) {
    // The measure has a contributor column: its contributors' totals.
    if (cell < facts.contributors_size()) c.contributors = facts.contributors(cell);
    if (cell < facts.largest_contributor_size()) {
      c.largest = static_cast<double>(facts.largest_contributor(cell));
    }
    if (cell < facts.second_largest_contributor_size()) {
      c.second = static_cast<double>(facts.second_largest_contributor(cell));
    }
    return c;
  }
  if (cell < table.record_count_size()) c.contributors = table.record_count(cell);
  if (cell < facts.largest_size()) c.largest = static_cast<double>(facts.largest(cell));
  if (cell < facts.second_largest_size()) c.second = static_cast<double>(facts.second_largest(cell));
  return c;
}

bool DominanceRule::Unsafe(const Contributions& c) const {
  const double top = c.largest + (config_.n() >= 2 ? c.second : 0);
  return top > config_.k() / 100.0 * c.sum;
}

double DominanceRule::UpperProtection(const Contributions& c) const {
  if (!Unsafe(c)) return 0;
  const double top = c.largest + (config_.n() >= 2 ? c.second : 0);
  return 100.0 / config_.k() * top - c.sum;
}

void DominanceRule::Mark(const v1::ComputedTable& table, CellMarks& marks) const {
  MarkSums(*this, table, marks);
}

bool PPercentRule::Unsafe(const Contributions& c) const {
  return c.sum - c.largest - c.second < config_.p() / 100.0 * c.largest;
}

double PPercentRule::UpperProtection(const Contributions& c) const {
  if (!Unsafe(c)) return 0;
  return config_.p() / 100.0 * c.largest - (c.sum - c.largest - c.second);
}

void PPercentRule::Mark(const v1::ComputedTable& table, CellMarks& marks) const {
  MarkSums(*this, table, marks);
}

bool MinContributorsRule::Unsafe(const Contributions& c) const {
  return c.contributors > 0 && c.contributors < min_;
}

void MinContributorsRule::Mark(const v1::ComputedTable& table, CellMarks& marks) const {
  MarkSums(*this, table, marks);
}

}  // namespace cellgate::policies
