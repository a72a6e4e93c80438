#include "client/export/provenance.h"

#include "absl/strings/str_cat.h"

namespace cellgate::client {

std::vector<ProvenanceField> Provenance(const v1::PulledTable& pulled) {
  const v1::QueryResponse& r = pulled.response();
  const v1::ReleasedTable& t = r.table();
  std::vector<ProvenanceField> fields = {
      {"release_id", "Release-ID", r.receipt().release_id()},
      {"audit_seq", "Eintrag im Freigabeprotokoll", absl::StrCat(r.receipt().seq())},
      {"dataset", "Datensatz", t.dataset()},
      {"dataset_version", "Datensatzversion", absl::StrCat(t.dataset_version())},
      {"dataset_version_hash", "Versionskennung", t.dataset_version_hash()},
      {"policy_id", "Regelwerk", t.policy_id()},
      {"policy_version", "Regelwerksversion", absl::StrCat(t.policy_version())},
      {"policy_hash", "Regelwerkskennung", t.policy_hash()},
      {"manifest_sha256", "Manifest (SHA-256)", pulled.manifest_sha256()},
  };
  // A share over another dataset: that dataset as the server counted it.
  for (const v1::MeasureFacts& m : t.measures()) {
    if (!m.measure().has_denominator()) continue;
    const v1::Measure::Denominator& d = m.measure().denominator();
    fields.insert(
        fields.end(),
        {{"denominator_dataset", "Nenner: Datensatz", d.dataset()},
         {"denominator_dataset_version", "Nenner: Datensatzversion", absl::StrCat(d.version())},
         {"denominator_dataset_version_hash", "Nenner: Versionskennung", d.version_hash()},
         {"denominator_policy_id", "Nenner: Regelwerk", d.policy_id()},
         {"denominator_policy_version", "Nenner: Regelwerksversion",
          absl::StrCat(d.policy_version())},
         {"denominator_policy_hash", "Nenner: Regelwerkskennung", d.policy_hash()}});
    break;
  }
  return fields;
}

}  // namespace cellgate::client
