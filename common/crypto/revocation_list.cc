#include "common/crypto/revocation_list.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <optional>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/sha256.h"
#include "common/files.h"

namespace cellgate::crypto {
namespace {

// A CRL of a city's CA stays far below this.
constexpr int64_t kMaxFileBytes = 64 << 20;

X509* ParseCertificate(absl::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

// The time an ASN1_TIME stands for, or nullopt.
std::optional<absl::Time> TimeOf(const ASN1_TIME* t) {
  struct tm parts = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &parts) != 1) return std::nullopt;
  return absl::FromTimeT(timegm(&parts));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RevocationList>> RevocationList::FromPem(
    absl::string_view crl_pem, absl::string_view ca_pem, absl::Time now) {
  X509* ca = ParseCertificate(ca_pem);
  if (ca == nullptr) {
    return absl::FailedPreconditionError("the client CA certificate does not parse as PEM");
  }
  absl::Cleanup free_ca = [ca] { X509_free(ca); };
  BIO* bio = BIO_new_mem_buf(crl_pem.data(), static_cast<int>(crl_pem.size()));
  X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (crl == nullptr) {
    return absl::FailedPreconditionError("the revocation list is not a PEM X.509 CRL");
  }
  std::shared_ptr<RevocationList> list(new RevocationList());
  list->crl_ = crl;
  if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0) {
    return absl::FailedPreconditionError(
        "the revocation list was not issued by the client CA (issuer differs)");
  }
  EVP_PKEY* ca_key = X509_get0_pubkey(ca);
  if (ca_key == nullptr || X509_CRL_verify(crl, ca_key) != 1) {
    return absl::FailedPreconditionError(
        "the revocation list's signature does not verify with the client CA's key");
  }
  if (const std::optional<absl::Time> next = TimeOf(X509_CRL_get0_nextUpdate(crl))) {
    list->next_update_ = *next;
    if (*next < now) {
      return absl::FailedPreconditionError(
          absl::StrCat("the revocation list expired at ", absl::FormatTime(*next),
                       " (nextUpdate); issue a new one"));
    }
  }
  const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl);
  list->revoked_count_ = revoked == nullptr ? 0 : sk_X509_REVOKED_num(revoked);
  list->hash_ = HexEncode(Sha256(crl_pem));
  return std::shared_ptr<const RevocationList>(std::move(list));
}

absl::StatusOr<std::shared_ptr<const RevocationList>> RevocationList::LoadFile(
    const std::string& crl_path, const std::string& ca_path, absl::Time now) {
  absl::StatusOr<std::string> crl = ReadFileBounded(crl_path, kMaxFileBytes);
  if (!crl.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read revocation list \"", crl_path, "\": ", crl.status().message()));
  }
  absl::StatusOr<std::string> ca = ReadFileBounded(ca_path, kMaxFileBytes);
  if (!ca.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read client CA \"", ca_path, "\": ", ca.status().message()));
  }
  absl::StatusOr<std::shared_ptr<const RevocationList>> list = FromPem(*crl, *ca, now);
  if (!list.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("revocation list \"", crl_path, "\": ", list.status().message()));
  }
  return list;
}

RevocationList::~RevocationList() { X509_CRL_free(static_cast<X509_CRL*>(crl_)); }

absl::StatusOr<bool> RevocationList::IsRevoked(absl::string_view cert_pem) const {
  X509* cert = ParseCertificate(cert_pem);
  if (cert == nullptr) return absl::InvalidArgumentError("client certificate does not parse");
  absl::Cleanup free_cert = [cert] { X509_free(cert); };
  auto* crl = static_cast<X509_CRL*>(crl_);
  if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_CRL_get_issuer(crl)) != 0) return false;
  X509_REVOKED* entry = nullptr;
  return X509_CRL_get0_by_serial(crl, &entry, X509_get_serialNumber(cert)) == 1;
}

}  // namespace cellgate::crypto
