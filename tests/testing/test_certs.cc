#include "tests/testing/test_certs.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>

namespace cellgate::testing {
namespace {

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "test_certs: %s failed\n", what);
    std::abort();
  }
}

EVP_PKEY* NewKey() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  Require(key != nullptr, "EVP_EC_gen");
  return key;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  Require(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* NewCert(EVP_PKEY* key, const std::string& cn, long serial) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("cellgate-test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

std::string CertPem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::string KeyPem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

}  // namespace

TestCa::TestCa(const std::string& name) {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(key, name, 1);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  AddExtension(cert, cert, NID_subject_key_identifier, "hash");
  Require(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign");
  key_ = key;
  cert_ = cert;
  cert_pem_ = CertPem(cert);
}

TestCa::~TestCa() {
  X509_free(static_cast<X509*>(cert_));
  EVP_PKEY_free(static_cast<EVP_PKEY*>(key_));
}

KeyAndCert TestCa::Issue(const std::string& cn, const std::string& san,
                         const std::string& eku) const {
  static long serial = 100;
  auto* ca_cert = static_cast<X509*>(cert_);
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(key, cn, ++serial);
  X509_set_issuer_name(cert, X509_get_subject_name(ca_cert));
  AddExtension(cert, ca_cert, NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert, ca_cert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  AddExtension(cert, ca_cert, NID_ext_key_usage, eku);
  if (!san.empty()) AddExtension(cert, ca_cert, NID_subject_alt_name, san);
  Require(X509_sign(cert, static_cast<EVP_PKEY*>(key_), EVP_sha256()) > 0, "X509_sign");
  KeyAndCert out{KeyPem(key), CertPem(cert)};
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

std::string TestCa::IssueCrl(const std::vector<std::string>& revoked,
                             long next_update_seconds) const {
  auto* ca_cert = static_cast<X509*>(cert_);
  X509_CRL* crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca_cert));
  ASN1_TIME* last = X509_gmtime_adj(nullptr, -3600);
  ASN1_TIME* next = X509_gmtime_adj(nullptr, next_update_seconds);
  X509_CRL_set1_lastUpdate(crl, last);
  X509_CRL_set1_nextUpdate(crl, next);
  for (const std::string& pem : revoked) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    Require(cert != nullptr, "PEM_read_bio_X509");
    X509_REVOKED* entry = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(cert));
    X509_REVOKED_set_revocationDate(entry, last);
    X509_CRL_add0_revoked(crl, entry);
    X509_free(cert);
  }
  X509_CRL_sort(crl);
  Require(X509_CRL_sign(crl, static_cast<EVP_PKEY*>(key_), EVP_sha256()) > 0, "X509_CRL_sign");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_CRL(bio, crl);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  ASN1_TIME_free(last);
  ASN1_TIME_free(next);
  X509_CRL_free(crl);
  return out;
}

KeyAndCert TestCa::IssueServer() const {
  return Issue("localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth");
}

KeyAndCert TestCa::IssueClient(const std::string& cn, const std::string& san) const {
  return Issue(cn, san, "clientAuth");
}

}  // namespace cellgate::testing
