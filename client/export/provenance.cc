#include "client/export/provenance.h"

#include "absl/strings/str_cat.h"

namespace cellgate::client {

std::vector<ProvenanceField> Provenance(const v1::PulledTable& pulled) {
  const v1::QueryResponse& r = pulled.response();
  const v1::ReleasedTable& t = r.table();
  return {
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
}

}  // namespace cellgate::client
