// Operations in-process: the plaintext health-only listener, the metrics
// endpoint scraped over HTTP after real queries (counters move, no label
// value outside the allowed sets), the JSON log lines (nothing the audit
// log keeps encrypted), and an online backup taken while queries run,
// checked for a consistent cut between store, audit log and detail blobs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "audit/testing/failing_log_file_system.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/detail_reader.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/log_reader.h"
#include "common/crypto/aes_gcm.h"
#include "gmock/gmock.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "server/store/store.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::testing {
namespace {

v1::Query CountBySex(const std::string& purpose = "bildungsbericht") {
  v1::Query q;
  q.set_dataset("schule");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  q.add_group_by()->set_dimension("sex");
  q.set_purpose(purpose);
  q.set_legal_basis("bdsg_3");
  return q;
}

grpc::Status Ask(const TestServer& server, const v1::Query& query, v1::QueryResponse* response) {
  auto data = v1::DataService::NewStub(server.ChannelAs("schulamt-analyst"));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::QueryRequest request;
  *request.mutable_query() = query;
  return data->Query(&context, request, response);
}

// GET http://127.0.0.1:port/metrics with a plain socket; the body or "".
std::string Scrape(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    ::close(fd);
    return "";
  }
  const std::string request =
      "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept-Encoding: identity\r\n\r\n";
  (void)!::write(fd, request.data(), request.size());
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof(buffer))) > 0;) reply.append(buffer, n);
  ::close(fd);
  const size_t body = reply.find("\r\n\r\n");
  return body == std::string::npos ? "" : reply.substr(body + 4);
}

// Samples of the exposition text: "name{labels}" -> value.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    if (space != absl::string_view::npos && absl::SimpleAtod(line.substr(space + 1), &value)) {
      out[std::string(line.substr(0, space))] = value;
    }
  }
  return out;
}

TEST(OperationsTest, HealthListenerAnswersWithoutACertificateAndFollowsTheAuditLog) {
  auto fs = std::make_unique<audit::FailingLogFileSystem>();
  audit::FailingLogFileSystem* control = fs.get();
  TestServer server(std::move(fs), [](v1::ServerConfig& c) {
    c.set_health_listen_address("127.0.0.1:0");
  });
  ASSERT_NE(server.app(), nullptr) << server.start_error();
  ASSERT_TRUE(server.LoadSchule());
  const int port = server.app()->health_port();
  ASSERT_GT(port, 0);
  auto plaintext = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                       grpc::InsecureChannelCredentials());
  EXPECT_EQ(HealthAt(plaintext), "SERVING");
  // The API itself still wants a client certificate, and the health
  // listener serves nothing else.
  auto api_plaintext = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.app()->port()),
                                           grpc::InsecureChannelCredentials());
  EXPECT_NE(HealthAt(api_plaintext), "SERVING");
  auto data = v1::DataService::NewStub(plaintext);
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListDatasetsResponse listed;
  EXPECT_EQ(data->ListDatasets(&context, v1::ListDatasetsRequest(), &listed).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  control->FailNextSync();
  v1::QueryResponse response;
  EXPECT_EQ(Ask(server, CountBySex(), &response).error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(HealthAt(plaintext), "NOT_SERVING");
}

TEST(OperationsTest, MetricsCountRequestsReleasesRefusalsAndCommitsWithFixedLabelsOnly) {
  TestServer server(nullptr, [](v1::ServerConfig& c) {
    c.set_metrics_listen_address("127.0.0.1:0");
  });
  ASSERT_NE(server.app(), nullptr) << server.start_error();
  ASSERT_TRUE(server.LoadSchule());
  const int port = server.app()->metrics_port();
  ASSERT_GT(port, 0);
  const std::map<std::string, double> before = Samples(Scrape(port));
  v1::QueryResponse response;
  ASSERT_TRUE(Ask(server, CountBySex(), &response).ok());
  ASSERT_TRUE(Ask(server, CountBySex(), &response).ok());
  EXPECT_EQ(Ask(server, CountBySex("werbung"), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const std::string text = Scrape(port);
  const std::map<std::string, double> after = Samples(text);
  auto moved = [&](const std::string& sample) {
    const auto b = before.find(sample);
    const auto a = after.find(sample);
    return (a == after.end() ? 0 : a->second) - (b == before.end() ? 0 : b->second);
  };
  EXPECT_EQ(moved(R"(cellgate_requests_total{code="OK",method="/cellgate.v1.DataService/Query"})"), 2)
      << text;
  EXPECT_EQ(moved(R"(cellgate_requests_total{code="PERMISSION_DENIED",method="/cellgate.v1.DataService/Query"})"),
            1);
  EXPECT_EQ(moved(R"(cellgate_releases_total{dataset="schule"})"), 2);
  EXPECT_EQ(moved(R"(cellgate_refusals_total{reason="permission_denied"})"), 1);
  EXPECT_GE(moved(R"(cellgate_query_duration_seconds_count{decision="released"})"), 2);
  EXPECT_GE(moved("cellgate_audit_commit_duration_seconds_count"), 2);
  EXPECT_GE(moved("cellgate_audit_records_total"), 3);
  EXPECT_TRUE(after.count(R"(cellgate_suppressed_cells_total{dataset="schule"})"));
  EXPECT_EQ(after.at("cellgate_datasets_loaded"), 1);
  EXPECT_GT(after.at("process_resident_memory_bytes"), 0);
  // Every label value comes from a fixed set.
  std::set<std::string> methods = {"other"};
  for (const std::string& m : service::KnownMethods()) methods.insert(m);
  const std::set<std::string> codes = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
      "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
  std::set<std::string> reasons = {"other"};
  for (const std::string& c : codes) reasons.insert(absl::AsciiStrToLower(c));
  const std::map<std::string, std::set<std::string>> allowed = {
      {"method", methods}, {"code", codes}, {"reason", reasons}, {"dataset", {"schule"}},
      {"decision", {"released", "refused"}}, {"outcome", {"ok", "failed"}}};
  const std::regex label(R"re((\w+)="([^"]*)")re");
  int labels = 0;
  for (const auto& [sample, value] : after) {
    for (std::sregex_iterator it(sample.begin(), sample.end(), label), end; it != end; ++it) {
      const std::string name = (*it)[1], label_value = (*it)[2];
      if (name == "le" || name == "quantile") continue;  // bucket bounds, the exposer's own
      ++labels;
      ASSERT_TRUE(allowed.count(name)) << "label " << name << " in " << sample;
      EXPECT_TRUE(allowed.at(name).count(label_value)) << name << "=" << label_value;
    }
  }
  EXPECT_GT(labels, 5);
}

// The log lines of decisions carry ids, the principal id and counts; never
// what the audit log keeps in its encrypted details (ADR 0005): the
// justification, the client's request id, the certificate identity, the
// peer or the query's codes.
TEST(OperationsTest, LogLinesCarryIdsButNothingTheAuditLogEncrypts) {
  TestServer server(nullptr, [](v1::ServerConfig& c) { c.set_log_file("server.jsonl"); });
  ASSERT_NE(server.app(), nullptr) << server.start_error();
  ASSERT_TRUE(server.LoadSchule());
  v1::Query q = CountBySex();
  q.set_justification("Begruendung-7Q4Z fuer den Bericht");
  q.set_client_request_id("anfrage-K9X3");
  v1::Filter* filter = q.add_filters();
  filter->set_dimension("bezirk");
  filter->add_codes("NORD-CODE-17");  // unknown: refused, recorded with the query
  v1::QueryResponse response;
  EXPECT_FALSE(Ask(server, q, &response).ok());
  q.clear_filters();
  ASSERT_TRUE(Ask(server, q, &response).ok());
  const std::string log = ReadTestFile(server.dir().File("server.jsonl"));
  EXPECT_THAT(log, ::testing::HasSubstr(response.receipt().release_id()));
  EXPECT_THAT(log, ::testing::HasSubstr("\"principal\":\"schulamt-analyst\""));
  for (const std::string secret : {"Begruendung-7Q4Z", "anfrage-K9X3", "NORD-CODE-17",
                                   "urn:cellgate:principal", "ipv4:", "ipv6:"}) {
    EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(secret))) << secret;
  }
}

TEST(OperationsTest, BackupWhileQueriesRunIsAConsistentCutOfStoreAndLog) {
  TestServer server;
  ASSERT_NE(server.app(), nullptr) << server.start_error();
  ASSERT_TRUE(server.LoadSchule());
  // Two tables asked again and again by three clients: the first release
  // of each (or of two racing) is a ledger entry, the later ones mostly
  // repeats, answered as released with an audit record but no entry.
  std::atomic<bool> stop{false};
  std::atomic<int> released{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 40 && !stop; ++i) {
        v1::Query q = CountBySex();
        q.set_client_request_id(absl::StrCat("c", t, "-", i));
        if (i % 2 == 1) q.add_group_by()->set_dimension("bezirk");
        v1::QueryResponse response;
        if (Ask(server, q, &response).ok()) ++released;
      }
    });
  }
  auto admin = v1::AdminService::NewStub(server.ChannelAs("steward"));
  grpc::ClientContext context;
  SetDeadline(context);
  auto reader = admin->Backup(&context, v1::BackupRequest());
  const std::string out = server.dir().File("backup");
  ASSERT_EQ(::mkdir(out.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir((out + "/audit").c_str(), 0700), 0);
  std::map<std::string, std::string> files;
  v1::BackupManifest manifest;
  for (v1::BackupChunk chunk; reader->Read(&chunk);) {
    if (chunk.has_manifest()) manifest = chunk.manifest();
    else files[chunk.path()] += chunk.data();
  }
  const grpc::Status finished = reader->Finish();
  stop = true;
  for (std::thread& c : clients) c.join();
  ASSERT_TRUE(finished.ok()) << finished.error_message();
  ASSERT_GT(released.load(), 0);
  ASSERT_TRUE(files.count("store.db"));
  for (const auto& [path, bytes] : files) {
    std::filesystem::create_directories(std::filesystem::path(out + "/" + path).parent_path());
    WriteTestFile(out + "/" + path, bytes);
  }

  // The log copy verifies and ends with the commit of the backup's record.
  ASSERT_OK_AND_ASSIGN(const audit::ReadResult log, audit::ReadLog(out + "/audit"));
  EXPECT_EQ(log.torn_tail_bytes, 0u);
  ASSERT_OK_AND_ASSIGN(const audit::ChainSummary chain,
                       audit::VerifyChain(log.records, "cellgate.test/audit/v1",
                                          server.signing_public_key()));
  EXPECT_EQ(chain.records, manifest.audit_records());
  // The last record copied is the checkpoint that seals everything before it.
  EXPECT_EQ(chain.sealed_size + 1, manifest.audit_records());
  const v1::AuditRecord& marker = log.records.at(manifest.backup_record_seq()).record;
  EXPECT_EQ(marker.record_type(), v1::AUDIT_ACCESS);
  EXPECT_EQ(marker.release_id(), manifest.backup_id());
  // The detail files are cut where the log copy ends: every blob a copied
  // record names is there and intact, and none of a later request.
  ASSERT_OK_AND_ASSIGN(const audit::DetailSummary details,
                       audit::VerifyDetails(out + "/audit", log.records));
  EXPECT_GT(details.checked, 0u);
  EXPECT_EQ(details.tail_bytes, 0u);
  ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey content_key,
                       crypto::AesGcmKey::LoadFile(server.dir().File("audit-content.key"), "key"));
  ASSERT_OK_AND_ASSIGN(
      const std::vector<audit::DetailedRecord> detailed,
      audit::ReadDetailedLog(out + "/audit",
                             std::make_shared<const crypto::AesGcmKey>(std::move(content_key))));
  for (const audit::DetailedRecord& r : detailed) {
    for (const v1::DetailStatus& d : r.details) {
      EXPECT_EQ(d.state(), v1::DetailStatus::DETAIL_PRESENT) << r.record.seq() << ": " << d.note();
    }
  }
  EXPECT_EQ(detailed.at(manifest.backup_record_seq()).record.requester().principal(), "steward");
  // Every release but a repeat (answered as released, without a ledger
  // entry of its own: ledger_audit.repeat_of) has its ledger entry.
  std::set<std::string> logged;
  for (const audit::DetailedRecord& r : detailed) {
    if (r.record.record_type() == v1::RELEASE && r.record.ledger_audit().repeat_of().empty()) {
      logged.insert(r.record.release_id());
    }
  }
  // The store copy opens with the store key; its ledger and the log copy
  // name the same releases.
  auto key = store::SecretKey::FromBytes(std::string(32, '\x5a'));
  ASSERT_TRUE(key.ok());
  store::InMemoryKeySource keys(std::move(*key));
  store::StoreOptions options;
  options.path = out + "/store.db";
  options.create_if_missing = false;
  SystemClock clock;
  ASSERT_OK_AND_ASSIGN(auto copy, store::Store::Open(options, keys, clock));
  std::set<std::string> ledger;
  ASSERT_OK(copy->ReadLedger([&](v1::LedgerRelease r) {
    ledger.insert(r.release_id());
    return absl::OkStatus();
  }));
  EXPECT_EQ(static_cast<int64_t>(ledger.size()), manifest.ledger_entries());
  EXPECT_EQ(ledger, logged);
}

}  // namespace
}  // namespace cellgate::testing
