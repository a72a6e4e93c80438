// Access control: maps a certificate identity to a principal and decides
// what that principal may do, from the access policy file (v1::AccessPolicy).
// Knows nothing of gRPC. Immutable after Load; thread-safe.
//
//   ASSIGN_OR_RETURN(auto acl, AccessControl::LoadFile("access.textproto"));
//   ASSIGN_OR_RETURN(const v1::Principal* p, acl->PrincipalForUri(uri));
//   RETURN_IF_ERROR(acl->CheckQuery(*p, "schueler", "bildungsbericht", "bdsg_3"));
#ifndef CELLGATE_SERVER_AUTH_ACCESS_CONTROL_H_
#define CELLGATE_SERVER_AUTH_ACCESS_CONTROL_H_

#include <memory>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cellgate/v1/access.pb.h"

namespace cellgate::auth {

// Returns the lower-case name of `role`, e.g. "analyst".
std::string RoleName(v1::Role role);

class AccessControl {
 public:
  // Parses and validates the policy file. INVALID_ARGUMENT naming the file
  // and the offending entry (duplicate id or URI, unknown department,
  // purpose or legal basis, principal without role).
  static absl::StatusOr<std::unique_ptr<AccessControl>> LoadFile(const std::string& path);
  // Validates `policy`; `hash` is recorded in audit records.
  static absl::StatusOr<std::unique_ptr<AccessControl>> FromPolicy(v1::AccessPolicy policy,
                                                                   std::string hash);

  // Returns the principal whose certificate_uri equals `uri` exactly.
  // PERMISSION_DENIED "certificate identity is not a known principal" otherwise
  // (the message does not list principals).
  absl::StatusOr<const v1::Principal*> PrincipalForUri(absl::string_view uri) const;
  // Returns the principal with id `id`; NOT_FOUND otherwise.
  absl::StatusOr<const v1::Principal*> PrincipalById(absl::string_view id) const;
  // Returns the principal's department. REQUIRES: p comes from this object.
  const v1::Department& DepartmentOf(const v1::Principal& p) const;

  // OK if `p` has `role`; PERMISSION_DENIED `principal "x" lacks role "dpo"`.
  absl::Status CheckRole(const v1::Principal& p, v1::Role role) const;
  // True if the principal's department is granted `dataset`.
  bool DatasetGranted(const v1::Principal& p, absl::string_view dataset) const;
  // OK if the department may query `dataset` for `purpose` under
  // `legal_basis`. PERMISSION_DENIED naming what is missing, e.g.
  // `purpose "x" is not granted to department "jugendamt"`; an ungranted
  // dataset reads `dataset "x" is not granted to department "y"`.
  absl::Status CheckQuery(const v1::Principal& p, absl::string_view dataset,
                          absl::string_view purpose, absl::string_view legal_basis,
                          v1::Channel channel = v1::INTERNAL) const;

  const v1::AccessPolicy& policy() const { return policy_; }
  // Hex SHA-256 of the policy file (or the canonical policy).
  const std::string& hash() const { return hash_; }

 private:
  AccessControl(v1::AccessPolicy policy, std::string hash);
  absl::Status Index();

  v1::AccessPolicy policy_;
  std::string hash_;
  absl::btree_map<std::string, int> principal_by_uri_;
  absl::btree_map<std::string, int> principal_by_id_;
  absl::btree_map<std::string, int> department_by_id_;
};

}  // namespace cellgate::auth

#endif  // CELLGATE_SERVER_AUTH_ACCESS_CONTROL_H_
