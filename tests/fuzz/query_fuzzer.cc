// A query as the server receives it (any text, parsed as a v1.Query
// textproto so that the seeds stay readable) against
// a small loaded version with a 3-level hierarchy: the engine must validate
// it or compute it, and the protector must protect what it computes; never
// a crash, a hang or an unchecked index. Limits stay small so each input
// runs in milliseconds.
#include <cstdint>
#include <cstring>
#include <memory>

#include "cellgate/v1/query.pb.h"
#include "common/textproto.h"
#include "policies/table_protector.h"
#include "server/engine/loaded_version.h"
#include "server/engine/table_computer.h"

namespace {

constexpr char kSchema[] = R"pb(
  id: "t"
  columns { name: "key" label: "Key" kind: UNIT_ID }
  columns {
    name: "bezirk" label: "Bezirk" kind: DIMENSION
    levels { name: "bezirk" label: "Bezirk"
      codes { code: "101" label: "Nord" parent: "1" } codes { code: "102" label: "Süd" parent: "1" }
      codes { code: "201" label: "Hafen" parent: "2" } codes { code: "98" label: "außerhalb" } }
    levels { name: "stadtteil" label: "Stadtteil"
      codes { code: "1" label: "Altstadt" parent: "A" } codes { code: "2" label: "Hafen" parent: "A" } }
    levels { name: "sozialraum" label: "Sozialraum" codes { code: "A" label: "Mitte" } }
  }
  columns {
    name: "sex" label: "Geschlecht" kind: DIMENSION sensitive: true
    levels { name: "sex" label: "Geschlecht"
      codes { code: "m" label: "m" } codes { code: "w" label: "w" } codes { code: "d" label: "d" } }
  }
  columns { name: "wert" label: "Wert" kind: MEASURE decimals: 1 }
)pb";

const cellgate::engine::LoadedVersion& Version() {
  static const std::shared_ptr<const cellgate::engine::LoadedVersion> version = [] {
    cellgate::v1::DatasetSchema schema;
    if (!cellgate::ParseTextProto(kSchema, "schema", schema).ok()) std::abort();
    cellgate::v1::VersionData data;
    constexpr int kRows = 200;
    data.mutable_info()->set_dataset("t");
    data.mutable_info()->set_version(1);
    data.mutable_info()->set_row_count(kRows);
    std::string bezirk, sex, wert;
    for (int r = 0; r < kRows; ++r) {
      bezirk.push_back(static_cast<char>((r * 7) % 4));
      sex.push_back(static_cast<char>((r * 5) % 3 == 2 && r % 11 ? 0 : (r * 5) % 3));
      const int64_t v = (r * 37) % 500 - 20;
      wert.append(reinterpret_cast<const char*>(&v), 8);
    }
    for (const auto& [name, width, bytes] :
         {std::tuple{"bezirk", 1u, bezirk}, {"sex", 1u, sex}, {"wert", 8u, wert}}) {
      cellgate::v1::ColumnData& c = *data.add_columns();
      c.set_name(name);
      c.set_width(width);
      c.set_data(bytes);
    }
    auto loaded = cellgate::engine::LoadedVersion::Create(schema, std::move(data));
    if (!loaded.ok()) std::abort();
    return *loaded;
  }();
  return *version;
}

const cellgate::policies::TableProtector& Protector() {
  static const auto* protector = [] {
    cellgate::v1::DisclosurePolicy policy;
    policy.set_id("fuzz");
    policy.set_version(1);
    policy.set_dataset("*");
    policy.mutable_threshold()->set_k(3);
    policy.mutable_magnitude()->mutable_dominance()->set_n(1);
    policy.mutable_magnitude()->mutable_dominance()->set_k(85);
    auto created = cellgate::policies::TableProtector::Create(policy);
    if (!created.ok()) std::abort();
    return new cellgate::policies::TableProtector(*std::move(created));
  }();
  return *protector;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cellgate::v1::Query query;
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!cellgate::ParseTextProto(text, "query", query).ok()) return 0;
  cellgate::engine::ComputeLimits limits;
  limits.max_cells = 400;
  limits.max_filter_codes = 50;
  absl::StatusOr<cellgate::v1::ComputedTable> table =
      cellgate::engine::ComputeTable(Version(), query, limits);
  if (!table.ok()) return 0;
  Protector().Protect(*table).status().IgnoreError();
  return 0;
}
