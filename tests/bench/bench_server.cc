#include "tests/bench/bench_server.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/crypto/ed25519.h"
#include "server/service/server_config.h"
#include "server/store/key_source.h"
#include "tests/bench/bench_data.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::bench {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "benchmark server: %s\n", what.c_str());
  std::abort();
}

std::string AccessPolicy(int principals) {
  std::string text = R"pb(
    version: 1
    purposes { code: "bildungsbericht" }
    legal_bases { code: "bdsg_3" }
    departments {
      id: "gesundheitsamt"
      datasets: "seu"
      purposes: "bildungsbericht"
      legal_bases: "bdsg_3"
    }
  )pb";
  for (int i = 0; i < principals; ++i) {
    absl::StrAppend(&text, "principals { id: \"bench-", i,
                    "\" certificate_uri: \"urn:cellgate:principal:bench-", i,
                    "\" department: \"gesundheitsamt\" roles: ANALYST }\n");
  }
  return text;
}

// fsync of a file or directory; dies on error.
void SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) Die(absl::StrCat("cannot sync ", path));
  ::close(fd);
}

}  // namespace

BenchServer::BenchServer(const BenchServerOptions& options) {
  static int serial = 0;
  dir_ = absl::StrCat(BenchDir(), "/server-", getpid(), "-", serial++);
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_ + "/policies");
  std::error_code ec;
  std::filesystem::copy_file(options.store_file, dir_ + "/store.db", ec);
  if (ec) Die(absl::StrCat("cannot copy ", options.store_file, ": ", ec.message()));
  // On disk before the server starts: a copy still being written back
  // (hundreds of MB at 10 M records) would slow the first release's syncs,
  // which a store in service does not have.
  SyncFile(dir_ + "/store.db");
  SyncFile(dir_);
  // The shipped policies: seu's own (threshold 3, 5 for bmi_kat, group
  // disclosure) and the default.
  for (const char* name : {"seu.textproto", "default.textproto"}) {
    std::filesystem::copy_file(absl::StrCat(CELLGATE_SOURCE_DIR, "/policies/config/", name),
                               absl::StrCat(dir_, "/policies/", name), ec);
    if (ec) Die(absl::StrCat("cannot copy policy ", name, ": ", ec.message()));
  }
  testing::WriteTestFile(dir_ + "/access.textproto", AccessPolicy(options.principals));
  const testing::KeyAndCert server = ca_.IssueServer();
  testing::WriteTestFile(dir_ + "/server.pem", server.cert_pem);
  testing::WriteTestFile(dir_ + "/server.key", server.key_pem, 0600);
  testing::WriteTestFile(dir_ + "/ca.pem", ca_.cert_pem());
  for (int i = 0; i < options.principals; ++i) {
    clients_.push_back(
        ca_.IssueClient("bench", absl::StrCat("URI:urn:cellgate:principal:bench-", i)));
  }
  auto signing_key = crypto::Ed25519PrivateKey::Generate();
  if (!signing_key.ok()) Die(signing_key.status().ToString());
  testing::WriteTestFile(dir_ + "/audit-signing.key", *signing_key->ToPem(), 0600);

  v1::ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_store_path("store.db");
  config.set_store_key_file("unused.key");
  config.set_audit_dir("audit");
  config.set_audit_origin("cellgate.bench/audit/v1");
  config.set_audit_signing_key_file("audit-signing.key");
  // As deployed: requester details and tables encrypted in the log (a
  // fixed key, benchmark only).
  testing::WriteTestFile(dir_ + "/audit-content.key", std::string(64, 'c') + "\n", 0600);
  config.set_audit_content_key_file("audit-content.key");
  config.set_access_policy_file("access.textproto");
  config.set_policy_dir("policies");
  config.set_log_file("server.log");
  config.mutable_tls()->set_server_cert_file("server.pem");
  config.mutable_tls()->set_server_key_file("server.key");
  config.mutable_tls()->set_client_ca_file("ca.pem");
  if (options.max_in_flight_per_principal > 0) {
    config.mutable_limits()->set_max_queries_in_flight_per_principal(
        options.max_in_flight_per_principal);
  }
  if (options.max_queries_per_minute_per_principal > 0) {
    config.mutable_limits()->set_max_queries_per_minute_per_principal(
        options.max_queries_per_minute_per_principal);
  }
  auto completed = service::CompleteServerConfig(config, dir_);
  if (!completed.ok()) Die(completed.status().ToString());
  auto key = store::SecretKey::FromBytes(BenchKey());
  if (!key.ok()) Die(key.status().ToString());
  const store::InMemoryKeySource keys(std::move(*key));
  auto app = service::Application::Start(*completed, clock_, keys);
  if (!app.ok()) Die(app.status().ToString());
  app_ = std::move(*app);
}

BenchServer::~BenchServer() {
  app_.reset();
  std::filesystem::remove_all(dir_);
}

std::shared_ptr<grpc::Channel> BenchServer::Channel(int principal) const {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ca_.cert_pem();
  tls.pem_private_key = clients_[principal].key_pem;
  tls.pem_cert_chain = clients_[principal].cert_pem;
  grpc::ChannelArguments args;
  // One connection per channel: clients do not share a subchannel.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("cellgate.bench.channel", principal);
  return grpc::CreateCustomChannel(absl::StrCat("localhost:", app_->port()),
                                   grpc::SslCredentials(tls), args);
}

void BenchServer::Connect(const std::shared_ptr<grpc::Channel>& channel) {
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(30))) {
    Die("cannot connect to the benchmark server");
  }
}

}  // namespace cellgate::bench
