#include "tests/integration/test_server.h"

#include <sys/stat.h>

#include <chrono>
#include <future>

#include "absl/strings/str_cat.h"
#include "common/crypto/ed25519.h"
#include "common/textproto.h"
#include "grpcpp/generic/generic_stub.h"
#include "server/service/server_config.h"
#include "server/store/key_source.h"

namespace cellgate::testing {

const char kSchuleSchema[] = R"pb(
  id: "schule"
  title: "Testschule"
  source_office: "Schulamt"
  columns { name: "pupil_key" label: "Schlüssel" kind: UNIT_ID }
  columns {
    name: "bezirk"
    label: "Bezirk"
    kind: DIMENSION
    levels {
      name: "bezirk"
      label: "Bezirk"
      codes { code: "101" label: "Altstadt-Nord" parent: "1" }
      codes { code: "102" label: "Altstadt-Süd" parent: "1" }
      codes { code: "201" label: "Hafen" parent: "2" }
    }
    levels {
      name: "stadtteil"
      label: "Stadtteil"
      codes { code: "1" label: "Altstadt" }
      codes { code: "2" label: "Hafen" }
    }
  }
  columns {
    name: "sex"
    label: "Geschlecht"
    kind: DIMENSION
    levels {
      name: "sex"
      label: "Geschlecht"
      codes { code: "m" label: "männlich" }
      codes { code: "w" label: "weiblich" }
    }
  }
  columns { name: "alter" label: "Alter" kind: MEASURE unit: "Jahre" }
)pb";

const char kSchuleCsv[] =
    "pupil_key,bezirk,sex,alter\n"
    "a1,101,m,10\n"
    "a2,101,m,11\n"
    "a3,101,m,10\n"
    "a4,101,w,12\n"
    "a5,101,w,10\n"
    "a6,101,w,9\n"
    "a7,102,m,10\n"
    "a8,102,w,11\n"
    "a9,102,w,10\n"
    "a10,102,m,11\n"
    "a11,201,w,12\n";

const char kAccessPolicy[] = R"pb(
  version: 1
  purposes { code: "bildungsbericht" }
  purposes { code: "werbung" }
  legal_bases { code: "bdsg_3" }
  departments {
    id: "schulamt"
    datasets: "schule"
    purposes: "bildungsbericht"
    legal_bases: "bdsg_3"
  }
  departments { id: "jugendamt" purposes: "bildungsbericht" legal_bases: "bdsg_3" }
  departments { id: "datenschutz" }
  departments { id: "bildungsbuero" datasets: "schule" }
  principals {
    id: "schulamt-analyst"
    certificate_uri: "urn:cellgate:principal:schulamt-analyst"
    department: "schulamt"
    roles: ANALYST
  }
  principals {
    id: "jugendamt-analyst"
    certificate_uri: "urn:cellgate:principal:jugendamt-analyst"
    department: "jugendamt"
    roles: ANALYST
  }
  principals {
    id: "dpo"
    certificate_uri: "urn:cellgate:principal:dpo"
    department: "datenschutz"
    roles: DPO
  }
  principals {
    id: "steward"
    certificate_uri: "urn:cellgate:principal:steward"
    department: "bildungsbuero"
    roles: STEWARD
  }
)pb";

namespace {



constexpr char kPolicy[] = R"pb(
  id: "default" version: 1 dataset: "*" threshold { k: 3 }
)pb";

}  // namespace

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
}

TestServer::TestServer(std::unique_ptr<audit::LogFileSystem> audit_fs,
                       const std::function<void(v1::ServerConfig&)>& configure) {
  ::mkdir(dir_.File("policies").c_str(), 0700);
  WriteTestFile(dir_.File("policies/default.textproto"), kPolicy);
  WriteTestFile(dir_.File("access.textproto"), kAccessPolicy);
  const KeyAndCert server = ca_.IssueServer();
  WriteTestFile(dir_.File("server.pem"), server.cert_pem);
  WriteTestFile(dir_.File("server.key"), server.key_pem, 0600);
  WriteTestFile(dir_.File("ca.pem"), ca_.cert_pem());
  WriteRevocationList({});
  v1::ServerConfig config;
  config.set_listen_address("127.0.0.1:0");
  config.set_store_path("store.db");
  config.set_store_key_file("unused.key");
  config.set_audit_dir("audit");
  config.set_audit_origin("cellgate.test/audit/v1");
  auto signing_key = crypto::Ed25519PrivateKey::Generate();
  auto signing_pem = signing_key.ok() ? signing_key->ToPem() : signing_key.status();
  if (!signing_pem.ok()) {
    start_error_ = signing_pem.status().ToString();
    return;
  }
  WriteTestFile(dir_.File("audit-signing.key"), *signing_pem, 0600);
  signing_public_key_ = signing_key->public_key();
  config.set_audit_signing_key_file("audit-signing.key");
  // The audit content key: requester details and tables encrypted at rest.
  WriteTestFile(dir_.File("audit-content.key"), std::string(64, 'c') + "\n", 0600);
  config.set_audit_content_key_file("audit-content.key");
  config.set_access_policy_file("access.textproto");
  config.set_policy_dir("policies");
  config.mutable_tls()->set_server_cert_file("server.pem");
  config.mutable_tls()->set_server_key_file("server.key");
  config.mutable_tls()->set_client_ca_file("ca.pem");
  config.mutable_tls()->set_crl_file("clients.crl");
  if (configure) configure(config);
  auto completed = service::CompleteServerConfig(config, dir_.path());
  if (!completed.ok()) {
    start_error_ = completed.status().ToString();
    return;
  }
  auto key = store::SecretKey::FromBytes(std::string(32, '\x5a'));
  if (!key.ok()) {
    start_error_ = key.status().ToString();
    return;
  }
  const store::InMemoryKeySource keys(std::move(*key));
  auto app = service::Application::Start(*completed, clock_, keys, std::move(audit_fs));
  if (!app.ok()) {
    start_error_ = app.status().ToString();
    return;
  }
  app_ = std::move(*app);
}

TestServer::~TestServer() { app_.reset(); }

std::string TestServer::Health() const { return HealthAt(ChannelAs("dpo")); }

std::string HealthAt(const std::shared_ptr<grpc::Channel>& channel) {
  // grpc.health.v1.Health/Check by hand: an empty HealthCheckRequest (all
  // services), and HealthCheckResponse field 1 (status) as a varint.
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::Slice empty("");
  const grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request,
                 &response, [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return status.error_message();
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) return "unreadable response";
  std::string bytes;
  for (const grpc::Slice& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (bytes == std::string("\x08\x01", 2)) return "SERVING";
  if (bytes == std::string("\x08\x02", 2)) return "NOT_SERVING";
  return "unexpected health response";
}

std::shared_ptr<grpc::Channel> TestServer::ChannelWith(const TestCa* ca,
                                                       const std::string& san) const {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_.cert_pem();
  if (ca != nullptr) {
    const KeyAndCert client = ca->IssueClient("test-client", san);
    options.pem_private_key = client.key_pem;
    options.pem_cert_chain = client.cert_pem;
  }
  return grpc::CreateChannel(absl::StrCat("localhost:", app_->port()),
                             grpc::SslCredentials(options));
}

std::shared_ptr<grpc::Channel> TestServer::ChannelWithCertificate(const KeyAndCert& client) const {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca_.cert_pem();
  options.pem_private_key = client.key_pem;
  options.pem_cert_chain = client.cert_pem;
  return grpc::CreateChannel(absl::StrCat("localhost:", app_->port()),
                             grpc::SslCredentials(options));
}

void TestServer::WriteRevocationList(const std::vector<std::string>& revoked) const {
  WriteTestFile(dir_.File("clients.crl"), ca_.IssueCrl(revoked));
}

std::shared_ptr<grpc::Channel> TestServer::ChannelAs(const std::string& principal) const {
  return ChannelWith(&ca_, absl::StrCat("URI:urn:cellgate:principal:", principal));
}

::testing::AssertionResult TestServer::LoadSchule() const {
  auto admin = v1::AdminService::NewStub(ChannelAs("steward"));
  v1::CreateDatasetRequest create;
  if (absl::Status s = ParseTextProto(kSchuleSchema, "schema", *create.mutable_schema()); !s.ok()) {
    return ::testing::AssertionFailure() << s;
  }
  v1::CreateDatasetResponse created;
  grpc::ClientContext c1;
  SetDeadline(c1);
  if (grpc::Status s = admin->CreateDataset(&c1, create, &created); !s.ok()) {
    return ::testing::AssertionFailure() << "create: " << s.error_message();
  }
  grpc::ClientContext c2;
  SetDeadline(c2);
  v1::IngestResponse ingested;
  auto writer = admin->IngestVersion(&c2, &ingested);
  v1::IngestChunk chunk;
  chunk.set_dataset("schule");
  chunk.set_source_name("schule.csv");
  chunk.set_legal_basis("bdsg_3");
  chunk.set_data(kSchuleCsv);
  writer->Write(chunk);
  writer->WritesDone();
  if (grpc::Status s = writer->Finish(); !s.ok()) {
    return ::testing::AssertionFailure() << "ingest: " << s.error_message();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace cellgate::testing
