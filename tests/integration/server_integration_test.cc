// The server in-process with mTLS: every denial path, the release path and
// the audit trail the DPO sees.
#include <algorithm>

#include "audit/testing/failing_log_file_system.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/merkle.h"
#include "common/crypto/ed25519.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/integration/test_server.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::testing {
namespace {

using ::testing::HasSubstr;

v1::Query GroupByStadtteil() {
  v1::Query q;
  q.set_dataset("schule");
  q.add_measures()->set_kind(v1::Measure::COUNT);
  v1::Measure* mean = q.add_measures();
  mean->set_kind(v1::Measure::MEAN);
  mean->set_column("alter");
  v1::Grouping* g = q.add_group_by();
  g->set_dimension("bezirk");
  g->set_level("stadtteil");
  q.set_totals(true);
  q.set_purpose("bildungsbericht");
  q.set_legal_basis("bdsg_3");
  return q;
}

grpc::Status Ask(const std::shared_ptr<grpc::Channel>& channel, const v1::Query& query,
                 v1::QueryResponse* response) {
  auto data = v1::DataService::NewStub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  v1::QueryRequest request;
  *request.mutable_query() = query;
  return data->Query(&context, request, response);
}

std::vector<v1::RecordSummary> AuditRecords(const TestServer& server) {
  auto audit = v1::AuditService::NewStub(server.ChannelAs("dpo"));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::ListRecordsRequest request;
  request.set_limit(1000);
  v1::ListRecordsResponse response;
  const grpc::Status s = audit->ListRecords(&context, request, &response);
  EXPECT_TRUE(s.ok()) << s.error_message();
  // Without the checkpoint records that seal every commit.
  std::vector<v1::RecordSummary> records;
  for (const v1::RecordSummary& r : response.records()) {
    if (r.record_type() != v1::CHECKPOINT) records.push_back(r);
  }
  return records;
}

class ServerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(server_.app(), nullptr) << server_.start_error();
    ASSERT_TRUE(server_.LoadSchule());
  }
  TestServer server_;
};

TEST_F(ServerIntegrationTest, ReleasesProtectedTableWithReceiptAndDurableRecord) {
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const v1::ReleasedTable& table = response.table();
  ASSERT_EQ(table.cells_size(), 3);  // Altstadt, Hafen, Insgesamt
  // Hafen has a single pupil: count and mean are suppressed, and Altstadt
  // too, or 11 - 10 would give Hafen away. Which was which is not told.
  EXPECT_EQ(table.cells(0).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(table.cells(1).codes(0), "2");
  EXPECT_EQ(table.cells(1).values(0).status(), v1::SUPPRESSED);
  EXPECT_EQ(table.cells(1).values(1).status(), v1::SUPPRESSED);
  EXPECT_EQ(table.cells(1).values(0).value(), 0);
  EXPECT_EQ(table.cells(2).values(0).value(), 11);
  EXPECT_EQ(table.policy_id(), "default");
  EXPECT_EQ(table.dataset_version(), 1);
  EXPECT_EQ(table.dataset_version_hash().size(), 64u);
  EXPECT_EQ(response.receipt().release_id().size(), 32u);
  // The receipt points at a RELEASE record for this release.
  const auto records = AuditRecords(server_);
  const auto it = std::find_if(records.begin(), records.end(), [&](const v1::RecordSummary& r) {
    return r.seq() == response.receipt().seq();
  });
  ASSERT_NE(it, records.end());
  const v1::RecordSummary& rec = *it;
  EXPECT_EQ(rec.record_type(), v1::RELEASE);
  EXPECT_EQ(rec.release_id(), response.receipt().release_id());
  EXPECT_EQ(rec.principal(), "schulamt-analyst");
  EXPECT_EQ(rec.counts().suppressed(), 2);
}

TEST_F(ServerIntegrationTest, SameQueryGivesSameTable) {
  v1::QueryResponse first, second;
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &first).ok());
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &second).ok());
  EXPECT_EQ(first.table().SerializeAsString(), second.table().SerializeAsString());
  EXPECT_NE(first.receipt().seq(), second.receipt().seq());
}

TEST_F(ServerIntegrationTest, NoCertificateIsRejectedInTheHandshake) {
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelWith(nullptr, ""), GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(response.table().cells_size(), 0);
}

TEST_F(ServerIntegrationTest, CertificateFromForeignCaIsRejectedInTheHandshake) {
  TestCa foreign("foreign CA");
  v1::QueryResponse response;
  const grpc::Status s =
      Ask(server_.ChannelWith(&foreign, "URI:urn:cellgate:principal:schulamt-analyst"),
          GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServerIntegrationTest, UnknownPrincipalIsDeniedAndRecorded) {
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelAs("intruder"), GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("not a known principal"));
  const auto records = AuditRecords(server_);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().record_type(), v1::REFUSAL);
  EXPECT_EQ(records.back().decision(), v1::REFUSED);
}

TEST_F(ServerIntegrationTest, CertificateWithoutPrincipalUriIsDenied) {
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelWithSan("email:someone@stadt.example"),
                             GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("no URI SAN"));
}

TEST_F(ServerIntegrationTest, CertificateWithTwoPrincipalUrisIsDenied) {
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelWithSan("URI:urn:cellgate:principal:schulamt-analyst,"
                                                    "URI:urn:cellgate:principal:dpo"),
                             GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("more than one principal"));
}

TEST_F(ServerIntegrationTest, DatasetNotGrantedIsDenied) {
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelAs("jugendamt-analyst"), GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(),
              HasSubstr("dataset \"schule\" is not granted to department \"jugendamt\""));
}

// A share across datasets reads its denominator's dataset as well, which
// must be granted too (docs/adr/0008).
TEST_F(ServerIntegrationTest, DenominatorDatasetNotGrantedIsDeniedAndRecorded) {
  v1::Query query = GroupByStadtteil();
  v1::Measure& share = *query.add_measures();
  share.set_kind(v1::Measure::SHARE);
  share.mutable_denominator()->set_dataset("population");
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelAs("schulamt-analyst"), query, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(),
              HasSubstr("dataset \"population\" is not granted to department \"schulamt\""));
  EXPECT_EQ(AuditRecords(server_).back().record_type(), v1::REFUSAL);
}

TEST_F(ServerIntegrationTest, PurposeNotAllowedIsDeniedAndRecorded) {
  v1::Query query = GroupByStadtteil();
  query.set_purpose("werbung");
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelAs("schulamt-analyst"), query, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("purpose \"werbung\""));
  const auto records = AuditRecords(server_);
  EXPECT_EQ(records.back().record_type(), v1::REFUSAL);
  EXPECT_EQ(records.back().principal(), "schulamt-analyst");
  EXPECT_EQ(records.back().purpose(), "werbung");
}

TEST_F(ServerIntegrationTest, RolesSeparateDutiesAcrossServices) {
  v1::QueryResponse response;
  EXPECT_EQ(Ask(server_.ChannelAs("dpo"), GroupByStadtteil(), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto audit = v1::AuditService::NewStub(server_.ChannelAs("schulamt-analyst"));
  grpc::ClientContext c1;
  SetDeadline(c1);
  v1::ListRecordsResponse records;
  EXPECT_EQ(audit->ListRecords(&c1, v1::ListRecordsRequest(), &records).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto steward_audit = v1::AuditService::NewStub(server_.ChannelAs("steward"));
  grpc::ClientContext c2;
  SetDeadline(c2);
  EXPECT_EQ(steward_audit->ListRecords(&c2, v1::ListRecordsRequest(), &records).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  auto admin = v1::AdminService::NewStub(server_.ChannelAs("schulamt-analyst"));
  grpc::ClientContext c3;
  SetDeadline(c3);
  v1::ListVersionsRequest list;
  list.set_dataset("schule");
  v1::ListVersionsResponse versions;
  EXPECT_EQ(admin->ListVersions(&c3, list, &versions).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ServerIntegrationTest, MalformedQueryNamesTheProblemAndIsRecorded) {
  v1::Query query = GroupByStadtteil();
  query.mutable_group_by(0)->set_dimension("stadtteill");
  v1::QueryResponse response;
  const grpc::Status s = Ask(server_.ChannelAs("schulamt-analyst"), query, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("stadtteill"));
  EXPECT_EQ(AuditRecords(server_).back().record_type(), v1::REFUSAL);
}

TEST_F(ServerIntegrationTest, ListDatasetsShowsOnlyGrantedDatasets) {
  auto granted = v1::DataService::NewStub(server_.ChannelAs("schulamt-analyst"));
  grpc::ClientContext c1;
  SetDeadline(c1);
  v1::ListDatasetsResponse list;
  ASSERT_TRUE(granted->ListDatasets(&c1, v1::ListDatasetsRequest(), &list).ok());
  ASSERT_EQ(list.datasets_size(), 1);
  EXPECT_EQ(list.datasets(0).id(), "schule");
  EXPECT_EQ(list.datasets(0).row_count(), 11);
  auto other = v1::DataService::NewStub(server_.ChannelAs("jugendamt-analyst"));
  grpc::ClientContext c2;
  SetDeadline(c2);
  v1::ListDatasetsResponse none;
  ASSERT_TRUE(other->ListDatasets(&c2, v1::ListDatasetsRequest(), &none).ok());
  EXPECT_EQ(none.datasets_size(), 0);
}

TEST_F(ServerIntegrationTest, DpoSeesTheReleasedTableExactlyAsSent) {
  v1::QueryResponse response;
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &response).ok());
  auto audit = v1::AuditService::NewStub(server_.ChannelAs("dpo"));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::GetRecordRequest request;
  request.set_seq(response.receipt().seq());
  v1::GetRecordResponse record;
  ASSERT_TRUE(audit->GetRecord(&context, request, &record).ok());
  EXPECT_EQ(record.record().released_table().SerializeAsString(),
            response.table().SerializeAsString());
  EXPECT_EQ(record.record().requester().principal(), "schulamt-analyst");
  EXPECT_EQ(record.record().requester().cert_sha256().size(), 64u);
  // Stored as a header and encrypted details: the server reassembled them.
  ASSERT_EQ(record.details_size(), 2);
  for (const v1::DetailStatus& detail : record.details()) {
    EXPECT_EQ(detail.state(), v1::DetailStatus::DETAIL_PRESENT);
    EXPECT_TRUE(detail.encrypted());
  }
  EXPECT_THAT(record.record_bytes(), ::testing::Not(HasSubstr("schulamt-analyst")));
  EXPECT_THAT(record.record_bytes(), HasSubstr("schulamt"));  // the department
}

TEST_F(ServerIntegrationTest, DpoAsksTheServerToVerifyItsLog) {
  v1::QueryResponse response;
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &response).ok());
  auto audit = v1::AuditService::NewStub(server_.ChannelAs("dpo"));
  auto verify = [&](v1::VerifyLogResponse& out) {
    grpc::ClientContext context;
    SetDeadline(context);
    return audit->VerifyLog(&context, v1::VerifyLogRequest(), &out);
  };
  v1::VerifyLogResponse intact;
  ASSERT_TRUE(verify(intact).ok());
  EXPECT_TRUE(intact.ok()) << intact.error();
  EXPECT_GT(intact.records(), response.receipt().seq());
  EXPECT_GT(intact.checkpoints(), 0u);
  EXPECT_TRUE(intact.signatures_checked());
  EXPECT_EQ(intact.origin(), "cellgate.test/audit/v1");
  EXPECT_GT(intact.details_checked(), 0u);
  // One flipped byte in the middle of the segment: the answer says where.
  const std::string segment = server_.dir().File("audit/audit-000001.log");
  std::string bytes = ReadTestFile(segment);
  ASSERT_GT(bytes.size(), 200u);
  bytes[bytes.size() / 2] ^= 0x01;
  WriteTestFile(segment, bytes);
  v1::VerifyLogResponse broken;
  ASSERT_TRUE(verify(broken).ok());
  EXPECT_FALSE(broken.ok());
  EXPECT_FALSE(broken.error().empty());
}

TEST_F(ServerIntegrationTest, ARevokedCertificateIsRefusedAfterTheListIsReloaded) {
  const KeyAndCert lost = server_.ca().IssueClient("laptop", "URI:urn:cellgate:principal:dpo");
  v1::ListRecordsRequest request;
  v1::ListRecordsResponse records;
  auto list = [&]() {
    auto audit = v1::AuditService::NewStub(server_.ChannelWithCertificate(lost));
    grpc::ClientContext context;
    SetDeadline(context);
    return audit->ListRecords(&context, request, &records);
  };
  ASSERT_TRUE(list().ok());
  // The DPO's laptop is lost: the CA revokes its certificate.
  server_.WriteRevocationList({lost.cert_pem});
  ASSERT_OK(server_.app()->ReloadAccessPolicy());
  const grpc::Status refused = list();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(refused.error_message(), HasSubstr("revoked"));
  // A new certificate for the same principal works; the reload is recorded.
  auto audit = v1::AuditService::NewStub(server_.ChannelAs("dpo"));
  grpc::ClientContext context;
  SetDeadline(context);
  request.add_record_types(v1::CONFIG_CHANGE);
  ASSERT_TRUE(audit->ListRecords(&context, request, &records).ok());
  ASSERT_EQ(records.records_size(), 1);
  // A list the CA did not sign is rejected; the old one stays.
  WriteTestFile(server_.dir().File("clients.crl"), TestCa("impostor").IssueCrl({}));
  EXPECT_THAT(server_.app()->ReloadAccessPolicy(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("old ones stay")));
  EXPECT_EQ(list().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace cellgate::testing

namespace cellgate::testing {
namespace {

TEST(AuditFailureIntegrationTest, FailedSyncWithholdsTablesAndTurnsHealthNotServing) {
  auto fs = std::make_unique<audit::FailingLogFileSystem>();
  audit::FailingLogFileSystem* control = fs.get();
  TestServer server(std::move(fs));
  ASSERT_NE(server.app(), nullptr) << server.start_error();
  ASSERT_TRUE(server.LoadSchule());
  EXPECT_EQ(server.Health(), "SERVING");
  v1::QueryResponse response;
  ASSERT_TRUE(Ask(server.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &response).ok());
  control->FailNextSync();
  response.Clear();
  grpc::Status s = Ask(server.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("audit log"));
  EXPECT_EQ(response.table().cells_size(), 0);
  EXPECT_EQ(server.Health(), "NOT_SERVING");
  // Latched: the next request fails too, and the disk is not touched again.
  const int syncs = control->syncs();
  s = Ask(server.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(control->syncs(), syncs);
}

}  // namespace
}  // namespace cellgate::testing

namespace cellgate::testing {
namespace {

// Calls `method` with one empty request message over a generic call, so
// that any method kind (unary or streaming) can be called by name.
grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  grpc::Slice empty("");
  const grpc::ByteBuffer request(&empty, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  call->WritesDone(reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  return status;
}

TEST_F(ServerIntegrationTest, EveryMethodOfEveryServiceDeniesUnprivilegedPrincipals) {
  // The services and, per service, a known principal whose roles do not
  // include the one the service needs. Methods come from the descriptors,
  // so a new method is covered without touching this test.
  const std::vector<std::pair<std::string, std::string>> services = {
      {"cellgate.v1.DataService", "steward"},
      {"cellgate.v1.AuditService", "schulamt-analyst"},
      {"cellgate.v1.AdminService", "dpo"},
  };
  int methods = 0;
  for (const auto& [name, wrong_role] : services) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int m = 0; m < service->method_count(); ++m) {
      const std::string method = absl::StrCat("/", name, "/", service->method(m)->name());
      for (const std::string& principal : {std::string("intruder"), wrong_role}) {
        const grpc::Status s = CallWithEmptyRequest(server_.ChannelAs(principal), method);
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << method << " as " << principal << ": " << s.error_message();
      }
      ++methods;
    }
  }
  EXPECT_EQ(methods, 16);  // a new method must be walked too
}

}  // namespace
}  // namespace cellgate::testing

namespace cellgate::testing {
namespace {

grpc::Status ListAsDpo(const TestServer& server, const v1::ListRecordsRequest& request,
                       v1::ListRecordsResponse* response) {
  auto audit = v1::AuditService::NewStub(server.ChannelAs("dpo"));
  grpc::ClientContext context;
  SetDeadline(context);
  return audit->ListRecords(&context, request, response);
}

TEST_F(ServerIntegrationTest, DpoFiltersRecordsByDepartmentDecisionPurposeAndTime) {
  v1::QueryResponse answer;
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &answer).ok());
  v1::Query werbung = GroupByStadtteil();
  werbung.set_purpose("werbung");  // not granted: refused
  EXPECT_FALSE(Ask(server_.ChannelAs("schulamt-analyst"), werbung, &answer).ok());
  EXPECT_FALSE(Ask(server_.ChannelAs("jugendamt-analyst"), GroupByStadtteil(), &answer).ok());

  v1::ListRecordsRequest request;
  request.set_department("schulamt");
  request.set_decision(v1::REFUSED);
  v1::ListRecordsResponse response;
  ASSERT_TRUE(ListAsDpo(server_, request, &response).ok());
  ASSERT_EQ(response.records_size(), 1);
  EXPECT_EQ(response.records(0).purpose(), "werbung");

  request.Clear();
  request.set_purpose("bildungsbericht");
  request.set_decision(v1::RELEASED);
  response.Clear();
  ASSERT_TRUE(ListAsDpo(server_, request, &response).ok());
  ASSERT_EQ(response.records_size(), 1);
  EXPECT_EQ(response.records(0).principal(), "schulamt-analyst");

  // The principal is in the encrypted identity detail: the server filters
  // after decrypting it.
  request.Clear();
  request.set_principal("jugendamt-analyst");
  response.Clear();
  ASSERT_TRUE(ListAsDpo(server_, request, &response).ok());
  ASSERT_EQ(response.records_size(), 1);
  EXPECT_EQ(response.records(0).department(), "jugendamt");

  request.Clear();
  request.set_since_utc("2999-01-01T00:00:00Z");
  response.Clear();
  ASSERT_TRUE(ListAsDpo(server_, request, &response).ok());
  EXPECT_EQ(response.records_size(), 0);
  request.Clear();
  request.set_until_utc("2999-01-01T00:00:00Z");
  request.set_dataset("schule");
  response.Clear();
  ASSERT_TRUE(ListAsDpo(server_, request, &response).ok());
  EXPECT_GE(response.records_size(), 4);  // created, ingested, released, refused twice

  request.set_since_utc("last tuesday");
  const grpc::Status bad = ListAsDpo(server_, request, &response);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("since_utc"));
}

}  // namespace
}  // namespace cellgate::testing

namespace cellgate::testing {
namespace {

TEST_F(ServerIntegrationTest, DpoExportsWholeRecordsPageByPageWithTheListsFilters) {
  v1::QueryResponse answer;
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &answer).ok());
  v1::Query werbung = GroupByStadtteil();
  werbung.set_purpose("werbung");  // refused
  EXPECT_FALSE(Ask(server_.ChannelAs("schulamt-analyst"), werbung, &answer).ok());
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &answer).ok());

  auto audit = v1::AuditService::NewStub(server_.ChannelAs("dpo"));
  auto page = [&](const v1::ExportRecordsRequest& request, v1::ExportRecordsResponse* response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return audit->ExportRecords(&context, request, response);
  };
  v1::ExportRecordsRequest request;
  request.mutable_filter()->set_department("schulamt");
  request.mutable_filter()->add_record_types(v1::RELEASE);
  request.mutable_filter()->add_record_types(v1::REFUSAL);
  request.mutable_filter()->set_limit(2);
  v1::ExportRecordsResponse first;
  ASSERT_TRUE(page(request, &first).ok());
  ASSERT_EQ(first.records_size(), 2);
  EXPECT_NE(first.next_seq(), 0u);
  const v1::AuditRecord& release = first.records(0).record();
  EXPECT_EQ(release.record_type(), v1::RELEASE);
  EXPECT_EQ(release.requester().principal(), "schulamt-analyst");
  EXPECT_EQ(release.released_table_sha256().size(), 64u);
  EXPECT_FALSE(release.has_released_table());  // GetRecord has it
  EXPECT_TRUE(release.suppression_audit().empty());
  EXPECT_EQ(first.records(0).leaf_hash().size(), 64u);
  EXPECT_EQ(first.records(1).record().record_type(), v1::REFUSAL);
  EXPECT_EQ(first.records(1).record().purpose(), "werbung");

  // The next page holds the second release; an end before it, nothing.
  request.mutable_filter()->set_from_seq(first.next_seq());
  v1::ExportRecordsResponse second;
  ASSERT_TRUE(page(request, &second).ok());
  ASSERT_EQ(second.records_size(), 1);
  EXPECT_EQ(second.records(0).record().seq(), answer.receipt().seq());
  EXPECT_EQ(second.next_seq(), 0u);
  request.set_end_seq(answer.receipt().seq());
  v1::ExportRecordsResponse cut;
  ASSERT_TRUE(page(request, &cut).ok());
  EXPECT_EQ(cut.records_size(), 0);

  // The principal is in the encrypted identity detail: the server matches
  // it after decrypting, as ListRecords does, and the justification and
  // query come back from the details too.
  v1::ExportRecordsRequest by_principal;
  by_principal.mutable_filter()->add_record_types(v1::RELEASE);
  by_principal.mutable_filter()->set_principal("schulamt-analyst");
  v1::ExportRecordsResponse mine;
  ASSERT_TRUE(page(by_principal, &mine).ok());
  ASSERT_EQ(mine.records_size(), 2);
  EXPECT_TRUE(mine.records(0).record().has_query());
  ASSERT_EQ(mine.records(0).details_size(), 2);
  EXPECT_EQ(mine.records(0).details(0).state(), v1::DetailStatus::DETAIL_PRESENT);
  by_principal.mutable_filter()->set_principal("jugendamt-analyst");
  v1::ExportRecordsResponse theirs;
  ASSERT_TRUE(page(by_principal, &theirs).ok());
  EXPECT_EQ(theirs.records_size(), 0);

  request.mutable_filter()->set_until_utc("next week");
  const grpc::Status bad = page(request, &cut);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("until_utc"));
}

TEST_F(ServerIntegrationTest, DpoReplaysAReleaseWhichIsRecordedAsAccessNotAsARelease) {
  v1::QueryResponse answer;
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &answer).ok());
  auto replay = [&](const std::string& principal, const std::string& id,
                    v1::ReplayReleaseResponse* response) {
    auto audit = v1::AuditService::NewStub(server_.ChannelAs(principal));
    grpc::ClientContext context;
    SetDeadline(context);
    v1::ReplayReleaseRequest request;
    request.set_release_id(id);
    return audit->ReplayRelease(&context, request, response);
  };
  const auto releases = [&] {
    int n = 0;
    for (const v1::RecordSummary& r : AuditRecords(server_)) n += r.record_type() == v1::RELEASE;
    return n;
  };
  const int released = releases();
  v1::ReplayReleaseResponse response;
  const grpc::Status s = replay("dpo", answer.receipt().release_id(), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(response.match());
  EXPECT_EQ(response.seq(), answer.receipt().seq());
  EXPECT_EQ(response.replayed_digest(), response.recorded_digest());
  EXPECT_EQ(response.policy_source(), "loaded");
  EXPECT_EQ(releases(), released);
  const auto records = AuditRecords(server_);
  const auto access = std::find_if(records.begin(), records.end(), [&](const v1::RecordSummary& r) {
    return r.seq() == response.audit_seq();
  });
  ASSERT_NE(access, records.end());
  EXPECT_EQ(access->record_type(), v1::AUDIT_ACCESS);
  EXPECT_EQ(access->principal(), "dpo");

  // The analyst who received the table may not replay it.
  v1::ReplayReleaseResponse denied;
  EXPECT_EQ(replay("schulamt-analyst", answer.receipt().release_id(), &denied).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(replay("dpo", "not-an-id", &denied).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const grpc::Status unknown = replay("dpo", std::string(32, 'a'), &denied);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(), HasSubstr(std::string(32, 'a')));
}

TEST_F(ServerIntegrationTest, AccessPolicyReloadsAtomicallyAndABadFileKeepsTheOldOne) {
  v1::QueryResponse answer;
  v1::Query query = GroupByStadtteil();
  EXPECT_EQ(Ask(server_.ChannelAs("jugendamt-analyst"), query, &answer).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Grant "schule" to the Jugendamt and reload.
  std::string policy = kAccessPolicy;
  const std::string before = R"(departments { id: "jugendamt" purposes)";
  const size_t at = policy.find(before);
  ASSERT_NE(at, std::string::npos);
  policy.replace(at, before.size(), R"(departments { id: "jugendamt" datasets: "schule" purposes)");
  WriteTestFile(server_.dir().File("access.textproto"), policy);
  ASSERT_OK(server_.app()->ReloadAccessPolicy());
  EXPECT_TRUE(Ask(server_.ChannelAs("jugendamt-analyst"), query, &answer).ok());
  v1::ListRecordsRequest changes;
  changes.add_record_types(v1::CONFIG_CHANGE);
  v1::ListRecordsResponse records;
  auto audit = v1::AuditService::NewStub(server_.ChannelAs("dpo"));
  grpc::ClientContext context;
  SetDeadline(context);
  ASSERT_TRUE(audit->ListRecords(&context, changes, &records).ok());
  EXPECT_EQ(records.records_size(), 1);
  // A broken file is rejected with its error; the grant stays in force.
  WriteTestFile(server_.dir().File("access.textproto"), "departments { id: ");
  EXPECT_THAT(server_.app()->ReloadAccessPolicy(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("old one stays")));
  EXPECT_TRUE(Ask(server_.ChannelAs("jugendamt-analyst"), query, &answer).ok());
}

}  // namespace
}  // namespace cellgate::testing

namespace cellgate::testing {
namespace {

TEST_F(ServerIntegrationTest, ADepartmentProvesItsReleaseIsInTheSignedLog) {
  v1::QueryResponse answer;
  ASSERT_TRUE(Ask(server_.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &answer).ok());
  const v1::Receipt& receipt = answer.receipt();
  ASSERT_OK_AND_ASSIGN(audit::Checkpoint checkpoint, audit::ParseCheckpoint(receipt.checkpoint()));
  EXPECT_OK(audit::VerifyCheckpointSignature(checkpoint, server_.signing_public_key()));

  auto data = v1::DataService::NewStub(server_.ChannelAs("schulamt-analyst"));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::InclusionProofRequest request;
  request.set_seq(receipt.seq());
  request.set_tree_size(checkpoint.size);
  v1::InclusionProofResponse proof;
  ASSERT_TRUE(data->GetInclusionProof(&context, request, &proof).ok());
  EXPECT_EQ(proof.leaf_hash(), receipt.leaf_hash());
  crypto::Digest leaf;
  std::copy(receipt.leaf_hash().begin(), receipt.leaf_hash().end(), leaf.begin());
  std::vector<crypto::Digest> path;
  for (const std::string& h : proof.audit_path()) {
    crypto::Digest d;
    std::copy(h.begin(), h.end(), d.begin());
    path.push_back(d);
  }
  EXPECT_OK(audit::VerifyInclusion(leaf, receipt.seq(), checkpoint.size, path, checkpoint.root));

  grpc::ClientContext beyond;
  SetDeadline(beyond);
  request.set_tree_size(1u << 30);
  EXPECT_EQ(data->GetInclusionProof(&beyond, request, &proof).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace cellgate::testing

namespace cellgate::testing {
namespace {

// The steward rotates the audit signing key; the log proves the new key
// from the first one, and receipts after it are signed by the new key.
TEST(SigningKeyRotationIntegrationTest, TheStewardRotatesTheSigningKeyAndTheLogFollows) {
  TestServer server;
  ASSERT_NE(server.app(), nullptr) << server.start_error();
  auto admin = v1::AdminService::NewStub(server.ChannelAs("steward"));
  grpc::ClientContext context;
  SetDeadline(context);
  v1::RotateSigningKeyResponse rotated;
  ASSERT_TRUE(admin->RotateSigningKey(&context, v1::RotateSigningKeyRequest(), &rotated).ok());
  EXPECT_THAT(rotated.public_key_pem(), HasSubstr("BEGIN PUBLIC KEY"));
  ASSERT_OK_AND_ASSIGN(std::string new_key,
                       crypto::Ed25519PublicKeyFromPem(rotated.public_key_pem()));
  EXPECT_NE(new_key, server.signing_public_key());
  ASSERT_TRUE(server.LoadSchule());
  v1::QueryResponse answer;
  ASSERT_TRUE(Ask(server.ChannelAs("schulamt-analyst"), GroupByStadtteil(), &answer).ok());
  ASSERT_OK_AND_ASSIGN(audit::Checkpoint checkpoint,
                       audit::ParseCheckpoint(answer.receipt().checkpoint()));
  EXPECT_OK(audit::VerifyCheckpointSignature(checkpoint, new_key));
  auto audit_stub = v1::AuditService::NewStub(server.ChannelAs("dpo"));
  grpc::ClientContext verify_context;
  SetDeadline(verify_context);
  v1::VerifyLogResponse verified;
  ASSERT_TRUE(audit_stub->VerifyLog(&verify_context, v1::VerifyLogRequest(), &verified).ok());
  EXPECT_TRUE(verified.ok()) << verified.error();
  EXPECT_EQ(verified.signing_key_rotations(), 1u);
}

}  // namespace
}  // namespace cellgate::testing
