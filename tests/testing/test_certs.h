// Test PKI made in-process with OpenSSL at test time: a CA, a server
// certificate for localhost/127.0.0.1 and client certificates with one URI
// SAN each. Nothing is stored in the repository and nothing expires.
// TESTONLY; thread-compatible.
#ifndef CELLGATE_TESTS_TESTING_TEST_CERTS_H_
#define CELLGATE_TESTS_TESTING_TEST_CERTS_H_

#include <string>
#include <vector>

namespace cellgate::testing {

struct KeyAndCert {
  std::string key_pem;
  std::string cert_pem;
};

class TestCa {
 public:
  // Creates a self-signed P-256 CA named `name`; aborts on OpenSSL failure.
  explicit TestCa(const std::string& name = "cellgate test CA");
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }
  // Issues a server certificate (SAN DNS:localhost, IP:127.0.0.1).
  KeyAndCert IssueServer() const;
  // Issues a client certificate with CN `cn` and subjectAltName `san`
  // (e.g. "URI:urn:cellgate:principal:dpo", or "" for none).
  KeyAndCert IssueClient(const std::string& cn, const std::string& san) const;
  // Issues a CRL (PEM) revoking the certificates in `revoked` (PEM), valid
  // from an hour ago until `next_update_seconds` from now (negative: it has
  // already expired).
  std::string IssueCrl(const std::vector<std::string>& revoked,
                       long next_update_seconds = 3600) const;

 private:
  KeyAndCert Issue(const std::string& cn, const std::string& san, const std::string& eku) const;
  void* key_ = nullptr;   // EVP_PKEY*, owned
  void* cert_ = nullptr;  // X509*, owned
  std::string cert_pem_;
};

}  // namespace cellgate::testing

#endif  // CELLGATE_TESTS_TESTING_TEST_CERTS_H_
