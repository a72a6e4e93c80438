// Certificate revocation: an X.509 CRL (PEM) issued by the client CA,
// verified against the CA certificate when it is loaded. A client whose
// certificate serial is on it is refused (UNAUTHENTICATED), however valid
// the certificate is otherwise. Immutable; thread-safe.
//
//   ASSIGN_OR_RETURN(auto crl, RevocationList::LoadFile("clients.crl", "ca.pem", absl::Now()));
//   ASSIGN_OR_RETURN(bool revoked, crl->IsRevoked(peer_certificate_pem));
#ifndef CELLGATE_COMMON_CRYPTO_REVOCATION_LIST_H_
#define CELLGATE_COMMON_CRYPTO_REVOCATION_LIST_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace cellgate::crypto {

class RevocationList {
 public:
  // Parses `crl_pem` and checks it: signed by the certificate in `ca_pem`,
  // issued by that CA's subject, and not past its nextUpdate at `now`.
  // FAILED_PRECONDITION naming what is wrong otherwise (an expired list is
  // refused: a revoked certificate must not come back to life because the
  // list was not renewed).
  static absl::StatusOr<std::shared_ptr<const RevocationList>> FromPem(absl::string_view crl_pem,
                                                                       absl::string_view ca_pem,
                                                                       absl::Time now);
  // Reads both files, then FromPem; errors name the files.
  static absl::StatusOr<std::shared_ptr<const RevocationList>> LoadFile(
      const std::string& crl_path, const std::string& ca_path, absl::Time now);

  ~RevocationList();
  RevocationList(const RevocationList&) = delete;
  RevocationList& operator=(const RevocationList&) = delete;

  // True if the certificate in `cert_pem` was issued by the list's CA and
  // its serial is on the list. INVALID_ARGUMENT if it does not parse.
  absl::StatusOr<bool> IsRevoked(absl::string_view cert_pem) const;

  int revoked_count() const { return revoked_count_; }
  absl::Time next_update() const { return next_update_; }
  // Hex SHA-256 of the PEM text, for the audit record of a reload.
  const std::string& hash() const { return hash_; }

 private:
  RevocationList() = default;
  void* crl_ = nullptr;  // X509_CRL*, owned
  int revoked_count_ = 0;
  absl::Time next_update_ = absl::InfiniteFuture();
  std::string hash_;
};

}  // namespace cellgate::crypto

#endif  // CELLGATE_COMMON_CRYPTO_REVOCATION_LIST_H_
