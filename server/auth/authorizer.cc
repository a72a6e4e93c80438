#include "server/auth/authorizer.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "grpcpp/security/auth_context.h"

namespace cellgate::auth {
namespace {

std::vector<std::string> Values(const grpc::AuthContext& auth, const char* name) {
  std::vector<std::string> out;
  for (const grpc::string_ref& v : auth.FindPropertyValues(name)) {
    out.emplace_back(v.data(), v.size());
  }
  return out;
}

}  // namespace

Authorizer::Authorizer(std::shared_ptr<const AccessControl> acl, std::string dev_principal)
    : acl_(std::move(acl)), dev_principal_(std::move(dev_principal)) {}

void Authorizer::SetAccessControl(std::shared_ptr<const AccessControl> acl) {
  absl::MutexLock lock(&mu_);
  acl_ = std::move(acl);
}

void Authorizer::SetRevocationList(std::shared_ptr<const crypto::RevocationList> crl) {
  absl::MutexLock lock(&mu_);
  crl_ = std::move(crl);
}

std::shared_ptr<const AccessControl> Authorizer::access_control() const {
  absl::MutexLock lock(&mu_);
  return acl_;
}

absl::StatusOr<std::string> Authorizer::CertificateUri(const grpc::AuthContext& auth,
                                                       const crypto::RevocationList* crl,
                                                       v1::Requester& seen) const {
  if (!auth.IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  const std::vector<std::string> pem = Values(auth, "x509_pem_cert");
  if (!pem.empty()) seen.set_cert_sha256(crypto::HexEncode(crypto::Sha256(pem.front())));
  if (crl != nullptr) {
    if (pem.empty()) return absl::UnauthenticatedError("client certificate not available");
    absl::StatusOr<bool> revoked = crl->IsRevoked(pem.front());
    if (!revoked.ok()) return absl::UnauthenticatedError(revoked.status().message());
    if (*revoked) return absl::UnauthenticatedError("client certificate is revoked");
  }
  std::vector<std::string> uris;
  for (const std::string& uri : Values(auth, "peer_uri")) {
    if (absl::StartsWith(uri, kPrincipalUriPrefix)) uris.push_back(uri);
  }
  if (uris.empty()) {
    const std::vector<std::string> cn = Values(auth, "x509_common_name");
    seen.set_certificate_identity(cn.empty() ? "" : cn.front());
    return absl::PermissionDeniedError(
        absl::StrCat("client certificate carries no URI SAN starting with \"",
                     kPrincipalUriPrefix, "\""));
  }
  seen.set_certificate_identity(absl::StrJoin(uris, ","));
  if (uris.size() != 1) {
    return absl::PermissionDeniedError("client certificate carries more than one principal URI");
  }
  return uris.front();
}

absl::StatusOr<Caller> Authorizer::Authorize(const grpc::ServerContext& context, v1::Role role,
                                             v1::Requester* seen) const {
  Caller caller;
  std::shared_ptr<const crypto::RevocationList> crl;
  {
    absl::MutexLock lock(&mu_);
    caller.acl = acl_;
    crl = crl_;
  }
  caller.requester.set_peer(context.peer());
  caller.requester.set_role(RoleName(role));
  absl::StatusOr<const v1::Principal*> principal;
  const auto auth = context.auth_context();
  if (!dev_principal_.empty() && (auth == nullptr || !auth->IsPeerAuthenticated())) {
    caller.requester.set_certificate_identity("development mode");
    principal = caller.acl->PrincipalById(dev_principal_);
  } else if (auth == nullptr) {
    principal = absl::UnauthenticatedError("no verified client certificate");
  } else {
    absl::StatusOr<std::string> uri = CertificateUri(*auth, crl.get(), caller.requester);
    principal = uri.ok() ? caller.acl->PrincipalForUri(*uri) : uri.status();
  }
  absl::Status status = principal.status();
  if (status.ok()) {
    caller.principal = *principal;
    caller.requester.set_principal(caller.principal->id());
    caller.requester.set_department(caller.principal->department());
    status = caller.acl->CheckRole(*caller.principal, role);
  }
  if (seen != nullptr) *seen = caller.requester;
  if (!status.ok()) return status;
  return caller;
}

}  // namespace cellgate::auth
