// A cellgate Application on a temporary directory with an in-process test
// PKI, plus helpers to talk to it as a given principal. TESTONLY.
#ifndef CELLGATE_TESTS_INTEGRATION_TEST_SERVER_H_
#define CELLGATE_TESTS_INTEGRATION_TEST_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "cellgate/v1/admin_service.grpc.pb.h"
#include "cellgate/v1/audit_service.grpc.pb.h"
#include "cellgate/v1/data_service.grpc.pb.h"
#include "common/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "audit/log_file.h"
#include "server/service/application.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_certs.h"

namespace cellgate::testing {

// The small dataset "schule" used by the integration tests: dimensions
// bezirk (bezirk -> stadtteil) and sex, measure alter.
extern const char kSchuleSchema[];
// 11 rows; stadtteil "2" has exactly one pupil.
extern const char kSchuleCsv[];
// The access policy the server starts with (written to access.textproto):
// schulamt-analyst (schule, bildungsbericht), jugendamt-analyst (no
// dataset), dpo, steward.
extern const char kAccessPolicy[];

class TestServer {
 public:
  // Starts the application; fails the test (ASSERT in the caller) if
  // `app()` is null afterwards.
  // `audit_fs` replaces the audit log's file system (null: POSIX).
  // `configure` may change the config before it is completed (e.g. to add
  // a metrics or health listener).
  explicit TestServer(std::unique_ptr<audit::LogFileSystem> audit_fs = nullptr,
                      const std::function<void(v1::ServerConfig&)>& configure = nullptr);
  ~TestServer();

  service::Application* app() { return app_.get(); }
  const TempDir& dir() const { return dir_; }
  const std::string& start_error() const { return start_error_; }
  // The raw public key of the audit checkpoints.
  const std::string& signing_public_key() const { return signing_public_key_; }

  // A channel authenticated with a client certificate for principal URI
  // `urn:cellgate:principal:<principal>` issued by the test CA.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& principal) const;
  // A channel with a certificate from the test CA carrying `san`.
  std::shared_ptr<grpc::Channel> ChannelWithSan(const std::string& san) const {
    return ChannelWith(&ca_, san);
  }
  // A channel with a certificate from `ca` (any CA), or none if null.
  std::shared_ptr<grpc::Channel> ChannelWith(const TestCa* ca, const std::string& san) const;
  // A channel presenting `client` (a key and certificate).
  std::shared_ptr<grpc::Channel> ChannelWithCertificate(const KeyAndCert& client) const;
  // The test CA, and a new revocation list (tls.crl_file) from it that
  // revokes `revoked` (certificate PEMs). The server starts with an empty
  // one and reads a new one on ReloadAccessPolicy.
  const TestCa& ca() const { return ca_; }
  void WriteRevocationList(const std::vector<std::string>& revoked) const;

  // Creates "schule" and ingests kSchuleCsv as the steward.
  ::testing::AssertionResult LoadSchule() const;

  // The server's gRPC health status for all services: "SERVING",
  // "NOT_SERVING", or the call's error.
  std::string Health() const;

 private:
  TempDir dir_;
  TestCa ca_;
  SystemClock clock_;
  std::unique_ptr<service::Application> app_;
  std::string start_error_;
  std::string signing_public_key_;
};

// The gRPC health status over `channel`: "SERVING", "NOT_SERVING", or the
// call's error.
std::string HealthAt(const std::shared_ptr<grpc::Channel>& channel);

// A deadline 30 s ahead, for every call in tests.
void SetDeadline(grpc::ClientContext& context);

}  // namespace cellgate::testing

#endif  // CELLGATE_TESTS_INTEGRATION_TEST_SERVER_H_
