#include "server/engine/query_plan.h"

#include <algorithm>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::engine {
namespace {

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

absl::StatusOr<const DimensionLevels*> ResolveDimension(const LoadedVersion& version,
                                                        absl::string_view name) {
  const DimensionLevels* d = version.FindDimension(name);
  if (d != nullptr) return d;
  if (version.HasColumn(name)) return Invalid(absl::StrCat("column \"", name, "\" is not a dimension"));
  return Invalid(absl::StrCat("unknown dimension \"", name, "\""));
}

absl::StatusOr<int> ResolveLevel(const DimensionLevels& d, absl::string_view level) {
  const int index = d.LevelIndex(level);
  if (index < 0) {
    return Invalid(absl::StrCat("dimension \"", d.name, "\" has no level \"", level, "\""));
  }
  return index;
}

absl::StatusOr<std::vector<MeasurePlan>> PlanMeasures(const LoadedVersion& version,
                                                      const v1::Query& query,
                                                      const ComputeLimits& limits) {
  if (query.measures_size() == 0) return Invalid("query needs at least one measure");
  if (query.measures_size() > limits.max_measures) {
    return Invalid(absl::StrCat("query has ", query.measures_size(), " measures, limit ",
                                limits.max_measures));
  }
  std::vector<MeasurePlan> out;
  for (int i = 0; i < query.measures_size(); ++i) {
    const v1::Measure& m = query.measures(i);
    const std::string where = absl::StrCat("measure ", i + 1, ": ");
    MeasurePlan& plan = out.emplace_back();
    plan.measure = m;
    if (m.kind() == v1::Measure::COUNT) {
      if (!m.column().empty()) return Invalid(absl::StrCat(where, "COUNT takes no column"));
      continue;
    }
    if (m.kind() != v1::Measure::SUM && m.kind() != v1::Measure::MEAN) {
      return Invalid(absl::StrCat(where, "kind must be COUNT, SUM or MEAN"));
    }
    if (m.column().empty()) {
      return Invalid(absl::StrCat(where, v1::Measure::Kind_Name(m.kind()), " needs a measure column"));
    }
    plan.column = version.FindMeasure(m.column());
    if (plan.column == nullptr) {
      if (version.HasColumn(m.column())) {
        return Invalid(absl::StrCat(where, "column \"", m.column(), "\" is not a measure column"));
      }
      return Invalid(absl::StrCat("unknown measure column \"", m.column(), "\""));
    }
  }
  return out;
}

// Applies the filters: allowed[dimension][finest code].
absl::StatusOr<absl::flat_hash_map<const DimensionLevels*, std::vector<bool>>> PlanFilters(
    const LoadedVersion& version, const v1::Query& query, const ComputeLimits& limits) {
  absl::flat_hash_map<const DimensionLevels*, std::vector<bool>> allowed;
  int total_codes = 0;
  for (const v1::Filter& f : query.filters()) {
    ASSIGN_OR_RETURN(const DimensionLevels* d, ResolveDimension(version, f.dimension()));
    ASSIGN_OR_RETURN(const int level, ResolveLevel(*d, f.level()));
    if (f.codes_size() == 0) return Invalid(absl::StrCat("filter on \"", d->name, "\" has no codes"));
    total_codes += f.codes_size();
    if (total_codes > limits.max_filter_codes) {
      return Invalid(absl::StrCat("filters have more than ", limits.max_filter_codes, " codes"));
    }
    absl::flat_hash_map<std::string, int32_t> index;
    for (size_t e = 0; e < d->entries[level].size(); ++e) {
      index.emplace(d->entries[level][e].code, static_cast<int32_t>(e));
    }
    std::vector<bool> in_filter(d->entries[level].size(), false);
    for (const std::string& code : f.codes()) {
      const auto it = index.find(code);
      if (it == index.end()) {
        return Invalid(absl::StrCat("dimension \"", d->name, "\" has no code \"", code,
                                    "\" at level \"", d->level_names[level], "\""));
      }
      in_filter[it->second] = true;
    }
    auto [it, inserted] = allowed.try_emplace(d, d->entries[0].size(), true);
    for (size_t fine = 0; fine < d->entries[0].size(); ++fine) {
      if (!in_filter[d->entry_of[level][fine]]) it->second[fine] = false;
    }
  }
  return allowed;
}

v1::AxisEntry Entry(const LevelEntry& e, const std::string& level) {
  v1::AxisEntry out;
  out.set_code(e.code);
  out.set_label(e.label);
  out.set_level(level);
  out.set_parent(-1);
  return out;
}

// Builds one axis; returns the number of leaf entries. `leaf_of` receives
// the leaf position of each finest code (-1 if excluded).
int BuildAxis(const DimensionLevels& d, int level, bool subtotals, bool totals,
              const std::vector<bool>* allowed, v1::Axis& axis, std::vector<int32_t>& leaf_of) {
  const size_t finest = d.entries[0].size();
  const int levels = static_cast<int>(d.entries.size());
  // position[l][entry] -> axis position, or -1.
  std::vector<std::vector<int32_t>> position(levels);
  for (int l = 0; l < levels; ++l) position[l].assign(d.entries[l].size(), -1);
  std::vector<bool> used(d.entries[level].size(), false);
  for (size_t f = 0; f < finest; ++f) {
    if (allowed == nullptr || (*allowed)[f]) used[d.entry_of[level][f]] = true;
  }
  for (size_t e = 0; e < used.size(); ++e) {
    if (!used[e]) continue;
    position[level][e] = axis.entries_size();
    *axis.add_entries() = Entry(d.entries[level][e], d.level_names[level]);
  }
  const int leaves = axis.entries_size();
  for (int l = level; subtotals && l + 1 < levels; ++l) {
    for (size_t e = 0; e < d.entries[l].size(); ++e) {
      const int32_t p = d.entries[l][e].parent;
      if (position[l][e] < 0 || p < 0 || d.entries[l + 1][p].pass_through) continue;
      if (position[l + 1][p] < 0) {
        position[l + 1][p] = axis.entries_size();
        *axis.add_entries() = Entry(d.entries[l + 1][p], d.level_names[l + 1]);
      }
      axis.mutable_entries(position[l][e])->set_parent(position[l + 1][p]);
    }
  }
  if (totals) {
    const int total = axis.entries_size();
    v1::AxisEntry* t = axis.add_entries();
    t->set_code("_T");
    t->set_label("Insgesamt");
    t->set_is_total(true);
    t->set_parent(-1);
    for (int i = 0; i < total; ++i) {
      if (axis.entries(i).parent() < 0) axis.mutable_entries(i)->set_parent(total);
    }
  }
  leaf_of.assign(finest, -1);
  for (size_t f = 0; f < finest; ++f) {
    if (allowed == nullptr || (*allowed)[f]) leaf_of[f] = position[level][d.entry_of[level][f]];
  }
  return leaves;
}

}  // namespace

absl::StatusOr<QueryPlan> PlanQuery(const LoadedVersion& version, const v1::Query& query,
                                    const ComputeLimits& limits) {
  QueryPlan plan;
  ASSIGN_OR_RETURN(plan.measures, PlanMeasures(version, query, limits));
  if (query.group_by_size() > limits.max_dimensions) {
    return Invalid(absl::StrCat("query has ", query.group_by_size(),
                                " grouping dimensions, limit ", limits.max_dimensions));
  }
  ASSIGN_OR_RETURN(auto allowed, PlanFilters(version, query, limits));
  absl::btree_set<std::string> sensitive;
  std::vector<std::vector<int32_t>> leaf_of(query.group_by_size());
  std::vector<const DimensionLevels*> grouped;
  for (int i = 0; i < query.group_by_size(); ++i) {
    const v1::Grouping& g = query.group_by(i);
    ASSIGN_OR_RETURN(const DimensionLevels* d, ResolveDimension(version, g.dimension()));
    if (std::find(grouped.begin(), grouped.end(), d) != grouped.end()) {
      return Invalid(absl::StrCat("dimension \"", d->name, "\" is grouped twice"));
    }
    grouped.push_back(d);
    ASSIGN_OR_RETURN(const int level, ResolveLevel(*d, g.level()));
    v1::Axis& axis = plan.axes.emplace_back();
    axis.set_dimension(d->name);
    axis.set_label(d->label);
    axis.set_level(d->level_names[level]);
    const auto it = allowed.find(d);
    plan.leaf_counts.push_back(BuildAxis(*d, level, g.subtotals(), query.totals(),
                                         it == allowed.end() ? nullptr : &it->second, axis,
                                         leaf_of[i]));
    if (d->sensitive) sensitive.insert(d->name);
  }
  // The full product, so that the message tells how far over the limit it is.
  bool overflow = false;
  for (const v1::Axis& axis : plan.axes) {
    overflow = overflow || __builtin_mul_overflow(plan.cells,
                                                  static_cast<int64_t>(axis.entries_size()),
                                                  &plan.cells);
  }
  if (overflow || plan.cells > limits.max_cells) {
    return Invalid(absl::StrCat("table would have ",
                                overflow ? std::string("too many") : absl::StrCat(plan.cells),
                                " cells, limit ", limits.max_cells));
  }
  for (const int leaves : plan.leaf_counts) plan.leaf_cells *= leaves;
  // Offsets are 32-bit: the leaves, the excluded marker and the sum of one
  // offset per scanned dimension must stay below 2^32.
  const int64_t scanned = static_cast<int64_t>(grouped.size() + allowed.size()) + 1;
  if ((plan.leaf_cells + 1) * scanned >= (int64_t{1} << 32)) {
    return Invalid(absl::StrCat("table would have ", plan.leaf_cells,
                                " leaf cells, more than the engine scans at once"));
  }
  const uint32_t excluded = static_cast<uint32_t>(plan.leaf_cells);
  // Leaf offsets, row-major: the last axis varies fastest.
  int64_t stride = 1;
  for (int i = query.group_by_size() - 1; i >= 0; --i) {
    ScanDimension scan;
    scan.dimension = grouped[i];
    scan.offset_of.resize(leaf_of[i].size());
    for (size_t f = 0; f < leaf_of[i].size(); ++f) {
      scan.offset_of[f] =
          leaf_of[i][f] < 0 ? excluded : static_cast<uint32_t>(leaf_of[i][f] * stride);
    }
    plan.scan.push_back(std::move(scan));
    stride *= plan.leaf_counts[i];
  }
  for (const auto& [d, ok] : allowed) {
    if (d->sensitive) sensitive.insert(d->name);
    if (std::find(grouped.begin(), grouped.end(), d) != grouped.end()) continue;
    ScanDimension scan;
    scan.dimension = d;
    for (const bool pass : ok) scan.offset_of.push_back(pass ? 0 : excluded);
    plan.scan.push_back(std::move(scan));
  }
  // Deterministic scan order regardless of hash-map iteration.
  std::sort(plan.scan.begin(), plan.scan.end(),
            [](const ScanDimension& a, const ScanDimension& b) {
              return a.dimension->name < b.dimension->name;
            });
  plan.sensitive_dimensions.assign(sensitive.begin(), sensitive.end());
  return plan;
}

}  // namespace cellgate::engine
