// The server configuration: where the keys come from.
#include "server/service/server_config.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::service {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;

v1::ServerConfig Minimal() {
  v1::ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_store_path("store.db");
  config.set_audit_dir("audit");
  config.set_access_policy_file("access.textproto");
  config.set_policy_dir("policies");
  config.mutable_tls()->set_server_cert_file("s.pem");
  config.mutable_tls()->set_server_key_file("s.key");
  config.mutable_tls()->set_client_ca_file("ca.pem");
  return config;
}

TEST(ServerConfigTest, ExactlyOneStoreKeySource) {
  v1::ServerConfig config = Minimal();
  EXPECT_THAT(CompleteServerConfig(config, "/etc/cellgate"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exactly one of")));
  config.set_store_key_file("store.key");
  config.set_store_key_env("CELLGATE_STORE_KEY");
  EXPECT_THAT(CompleteServerConfig(config, "/etc/cellgate"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exactly one of")));
  config.clear_store_key_env();
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig done, CompleteServerConfig(config, "/etc/cellgate"));
  EXPECT_EQ(done.store_key_file(), "/etc/cellgate/store.key");
}

TEST(ServerConfigTest, StoreKeyFromASystemdCredential) {
  testing::TempDir dir;
  testing::WriteTestFile(dir.File("store-key"), std::string(64, 'a'), 0400);
  v1::ServerConfig config = Minimal();
  config.set_store_key_credential("store-key");
  ASSERT_OK_AND_ASSIGN(config, CompleteServerConfig(config, "/etc/cellgate"));
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_THAT(StoreKeySource(config), StatusIs(absl::StatusCode::kFailedPrecondition,
                                               HasSubstr("LoadCredential=store-key")));
  ::setenv("CREDENTIALS_DIRECTORY", dir.path().c_str(), 1);
  ASSERT_OK_AND_ASSIGN(auto keys, StoreKeySource(config));
  ASSERT_OK_AND_ASSIGN(store::SecretKey key, keys->Load());
  EXPECT_EQ(key.bytes(), std::string(32, '\xaa'));
  config.set_store_key_credential("../store-key");
  EXPECT_THAT(StoreKeySource(config), StatusIs(absl::StatusCode::kInvalidArgument));
  ::unsetenv("CREDENTIALS_DIRECTORY");
}

TEST(ServerConfigTest, StoreKeyFromTheEnvironmentIsReadOnceAndRemoved) {
  v1::ServerConfig config = Minimal();
  config.set_store_key_env("CELLGATE_TEST_STORE_KEY");
  ASSERT_OK_AND_ASSIGN(config, CompleteServerConfig(config, "/etc/cellgate"));
  ::setenv("CELLGATE_TEST_STORE_KEY", std::string(64, 'b').c_str(), 1);
  ASSERT_OK_AND_ASSIGN(auto keys, StoreKeySource(config));
  ASSERT_OK(keys->Load().status());
  EXPECT_EQ(std::getenv("CELLGATE_TEST_STORE_KEY"), nullptr);
}

TEST(ServerConfigTest, SigningKeyFileAndCredentialExcludeEachOther) {
  v1::ServerConfig config = Minimal();
  config.set_store_key_file("store.key");
  config.set_audit_signing_key_file("sign.key");
  config.set_audit_signing_key_credential("sign");
  EXPECT_THAT(CompleteServerConfig(config, "/etc/cellgate"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exclude each other")));
}

TEST(ServerConfigTest, AuditContentKeyFromAFileTheEnvironmentOrACredentialAndAtMostOne) {
  testing::TempDir dir;
  v1::ServerConfig config = Minimal();
  config.set_store_key_file("store.key");
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig none, CompleteServerConfig(config, dir.path()));
  EXPECT_THAT(AuditContentKey(none), ::cellgate::testing::IsOkAndHolds(nullptr));
  testing::WriteTestFile(dir.File("content.key"), std::string(64, 'b') + "\n", 0600);
  config.set_audit_content_key_file("content.key");
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig file, CompleteServerConfig(config, dir.path()));
  EXPECT_EQ(file.audit_content_key_file(), dir.File("content.key"));
  ASSERT_OK_AND_ASSIGN(auto from_file, AuditContentKey(file));
  ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey expected,
                       crypto::AesGcmKey::FromBytes(std::string(32, '\xbb')));
  ASSERT_NE(from_file, nullptr);
  EXPECT_EQ(from_file->id(), expected.id());
  // A key file others may read is refused, naming the file, never the key.
  testing::WriteTestFile(dir.File("content.key"), std::string(64, 'b') + "\n", 0644);
  EXPECT_THAT(AuditContentKey(file),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("content.key"), ::testing::Not(HasSubstr("bbbb")))));
  config.set_audit_content_key_env("CELLGATE_AUDIT_CONTENT_KEY");
  EXPECT_THAT(CompleteServerConfig(config, dir.path()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most one of")));
  config.clear_audit_content_key_file();
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig env, CompleteServerConfig(config, dir.path()));
  ::setenv("CELLGATE_AUDIT_CONTENT_KEY", std::string(64, 'b').c_str(), 1);
  ASSERT_OK_AND_ASSIGN(auto from_env, AuditContentKey(env));
  EXPECT_EQ(from_env->id(), expected.id());
  EXPECT_EQ(std::getenv("CELLGATE_AUDIT_CONTENT_KEY"), nullptr);  // read once, removed
  config.clear_audit_content_key_env();
  config.set_audit_content_key_credential("audit-content.key");
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig credential, CompleteServerConfig(config, dir.path()));
  ::unsetenv("CREDENTIALS_DIRECTORY");
  EXPECT_THAT(AuditContentKey(credential),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("LoadCredential=audit-content.key")));
}

TEST(ServerConfigTest, ReleaseCacheDefaultsOffAndBounds) {
  v1::ServerConfig config = Minimal();
  config.set_store_key_file("store.key");
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig defaults, CompleteServerConfig(config, "/etc/cellgate"));
  EXPECT_EQ(defaults.limits().release_cache_bytes(), int64_t{64} << 20);
  config.mutable_limits()->set_release_cache_bytes(-1);
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig off, CompleteServerConfig(config, "/etc/cellgate"));
  EXPECT_EQ(off.limits().release_cache_bytes(), -1);
  config.mutable_limits()->set_release_cache_bytes(-2);
  EXPECT_THAT(CompleteServerConfig(config, "/etc/cellgate"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("release_cache_bytes")));
}

TEST(ServerConfigTest, RetentionDefaultsAndBounds) {
  v1::ServerConfig config = Minimal();
  config.set_store_key_file("store.key");
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig defaults, CompleteServerConfig(config, "/etc/cellgate"));
  EXPECT_EQ(defaults.audit_identity_retention_years(), 1);  // the end of the following year
  EXPECT_EQ(defaults.audit_content_retention_years(), 0);   // kept
  config.set_audit_identity_retention_years(-1);
  ASSERT_OK_AND_ASSIGN(v1::ServerConfig kept, CompleteServerConfig(config, "/etc/cellgate"));
  EXPECT_EQ(kept.audit_identity_retention_years(), -1);
  config.set_audit_content_retention_years(-2);
  EXPECT_THAT(CompleteServerConfig(config, "/etc/cellgate"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("audit_content_retention_years")));
}

}  // namespace
}  // namespace cellgate::service
