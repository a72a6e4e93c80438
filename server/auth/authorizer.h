// Per-call authorization for the gRPC handlers: establishes who the peer is
// from its verified client certificate (exactly one URI SAN with the scheme
// "urn:cellgate:principal:") and checks the role a method needs. gRPC 1.51's
// authorization-policy providers do not link on Debian, so every handler
// calls Authorize first. Thread-safe; the access policy is swapped
// atomically by SetAccessControl.
#ifndef CELLGATE_SERVER_AUTH_AUTHORIZER_H_
#define CELLGATE_SERVER_AUTH_AUTHORIZER_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "cellgate/v1/audit.pb.h"
#include "grpcpp/server_context.h"
#include "server/auth/access_control.h"
#include "common/crypto/revocation_list.h"

namespace cellgate::auth {

inline constexpr absl::string_view kPrincipalUriPrefix = "urn:cellgate:principal:";

// An authorized caller.
struct Caller {
  const v1::Principal* principal = nullptr;  // not owned; lives as long as `acl`
  std::shared_ptr<const AccessControl> acl;  // the policy the decision used
  v1::Requester requester;                   // for audit records
};

class Authorizer {
 public:
  // `dev_principal` non-empty puts the server in development mode: calls
  // without TLS act as that principal. Only main enables it, on loopback.
  explicit Authorizer(std::shared_ptr<const AccessControl> acl, std::string dev_principal = "");

  // Returns the caller if the peer presents a verified certificate naming a
  // known principal that has `role`. UNAUTHENTICATED if there is no verified
  // certificate or it is revoked; PERMISSION_DENIED if its identity is not exactly one
  // cellgate URI, names no principal, or lacks the role. On every outcome,
  // `seen` (optional) receives what is known about the peer for the audit
  // record.
  absl::StatusOr<Caller> Authorize(const grpc::ServerContext& context, v1::Role role,
                                   v1::Requester* seen = nullptr) const;

  // Replaces the access policy for later calls.
  void SetAccessControl(std::shared_ptr<const AccessControl> acl);
  // Replaces the revocation list for later calls (null: none). A peer
  // whose certificate is on it is UNAUTHENTICATED.
  void SetRevocationList(std::shared_ptr<const crypto::RevocationList> crl);
  std::shared_ptr<const AccessControl> access_control() const;

 private:
  absl::StatusOr<std::string> CertificateUri(const grpc::AuthContext& auth,
                                             const crypto::RevocationList* crl,
                                             v1::Requester& seen) const;

  mutable absl::Mutex mu_;
  std::shared_ptr<const AccessControl> acl_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const crypto::RevocationList> crl_ ABSL_GUARDED_BY(mu_);
  const std::string dev_principal_;
};

}  // namespace cellgate::auth

#endif  // CELLGATE_SERVER_AUTH_AUTHORIZER_H_
