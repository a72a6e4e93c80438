// FakeConnection: an in-memory Connection for client tests. TESTONLY. Each
// method records its request and returns the canned response (or error) set
// by the test; IngestVersion drains the chunk source and keeps every chunk.
// ForwardingConnection lends a fake to code that wants ownership. Not
// thread-safe.
//
//   FakeConnection fake;
//   fake.query_response = response;            // or: = absl::NotFoundError(...)
//   ASSERT_OK(RunQuery(line, fake, out));
//   EXPECT_EQ(fake.query_requests[0].query().dataset(), "schule");
#ifndef CELLGATE_CLIENT_TESTING_FAKE_CONNECTION_H_
#define CELLGATE_CLIENT_TESTING_FAKE_CONNECTION_H_

#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "client/connection.h"

namespace cellgate::client::testing {

class FakeConnection final : public Connection {
 public:
  absl::StatusOr<v1::ListDatasetsResponse> ListDatasets(
      const v1::ListDatasetsRequest& request) override {
    list_datasets_requests.push_back(request);
    return list_datasets_response;
  }
  absl::StatusOr<v1::DescribeDatasetResponse> DescribeDataset(
      const v1::DescribeDatasetRequest& request) override {
    describe_requests.push_back(request);
    return describe_response;
  }
  // Answers with `query_handler` if set, else with `query_response`.
  absl::StatusOr<v1::QueryResponse> Query(const v1::QueryRequest& request) override {
    query_requests.push_back(request);
    if (query_handler) return query_handler(request);
    return query_response;
  }
  absl::StatusOr<v1::CreateDatasetResponse> CreateDataset(
      const v1::CreateDatasetRequest& request) override {
    create_requests.push_back(request);
    return create_response;
  }
  // Drains `chunks` first, as the real stream does, then answers.
  absl::StatusOr<v1::IngestResponse> IngestVersion(IngestChunkSource& chunks) override {
    while (true) {
      v1::IngestChunk chunk;
      absl::StatusOr<bool> more = chunks.Next(chunk);
      if (!more.ok()) return more.status();
      if (!*more) break;
      ingest_chunks.push_back(std::move(chunk));
    }
    return ingest_response;
  }
  absl::StatusOr<v1::ListVersionsResponse> ListVersions(
      const v1::ListVersionsRequest& request) override {
    list_versions_requests.push_back(request);
    return list_versions_response;
  }
  absl::StatusOr<v1::RotateStoreKeyResponse> RotateStoreKey(
      const v1::RotateStoreKeyRequest&) override {
    ++rotate_calls;
    return rotate_response;
  }
  absl::StatusOr<v1::RotateSigningKeyResponse> RotateSigningKey(
      const v1::RotateSigningKeyRequest&) override {
    ++rotate_signing_calls;
    return rotate_signing_response;
  }
  // Answers from `list_records_pages` in order, then with an empty page.
  absl::StatusOr<v1::ListRecordsResponse> ListRecords(
      const v1::ListRecordsRequest& request) override {
    list_records_requests.push_back(request);
    if (!list_records_error.ok()) return list_records_error;
    const size_t page = list_records_requests.size() - 1;
    if (page < list_records_pages.size()) return list_records_pages[page];
    return v1::ListRecordsResponse();
  }
  absl::StatusOr<v1::GetRecordResponse> GetRecord(const v1::GetRecordRequest& request) override {
    get_record_requests.push_back(request);
    return get_record_response;
  }
  absl::StatusOr<v1::VerifyLogResponse> VerifyLog(const v1::VerifyLogRequest&) override {
    return verify_response;
  }
  // Answers from `export_records_pages` in order, then with an empty page.
  absl::StatusOr<v1::ExportRecordsResponse> ExportRecords(
      const v1::ExportRecordsRequest& request) override {
    export_records_requests.push_back(request);
    if (!export_records_error.ok()) return export_records_error;
    const size_t page = export_records_requests.size() - 1;
    if (page < export_records_pages.size()) return export_records_pages[page];
    return v1::ExportRecordsResponse();
  }
  absl::StatusOr<v1::ReplayReleaseResponse> ReplayRelease(
      const v1::ReplayReleaseRequest& request) override {
    replay_requests.push_back(request);
    return replay_response;
  }
  // Answers from `export_pieces` in order.
  absl::StatusOr<v1::ExportLogResponse> ExportLog(const v1::ExportLogRequest& request) override {
    export_requests.push_back(request);
    const size_t i = export_requests.size() - 1;
    if (i < export_pieces.size()) return export_pieces[i];
    return absl::InternalError("no more export pieces");
  }

  // Canned answers; each defaults to an empty OK response.
  absl::StatusOr<v1::ListDatasetsResponse> list_datasets_response = v1::ListDatasetsResponse();
  absl::StatusOr<v1::DescribeDatasetResponse> describe_response = v1::DescribeDatasetResponse();
  absl::StatusOr<v1::QueryResponse> query_response = v1::QueryResponse();
  std::function<absl::StatusOr<v1::QueryResponse>(const v1::QueryRequest&)> query_handler;
  absl::StatusOr<v1::CreateDatasetResponse> create_response = v1::CreateDatasetResponse();
  absl::StatusOr<v1::IngestResponse> ingest_response = v1::IngestResponse();
  absl::StatusOr<v1::ListVersionsResponse> list_versions_response = v1::ListVersionsResponse();
  absl::StatusOr<v1::RotateStoreKeyResponse> rotate_response = v1::RotateStoreKeyResponse();
  int rotate_calls = 0;
  absl::StatusOr<v1::RotateSigningKeyResponse> rotate_signing_response =
      v1::RotateSigningKeyResponse();
  int rotate_signing_calls = 0;
  std::vector<v1::ListRecordsResponse> list_records_pages;
  absl::Status list_records_error;
  absl::StatusOr<v1::GetRecordResponse> get_record_response = v1::GetRecordResponse();
  std::vector<v1::ExportLogResponse> export_pieces;
  absl::StatusOr<v1::VerifyLogResponse> verify_response = v1::VerifyLogResponse();
  std::vector<v1::ExportLogRequest> export_requests;
  std::vector<v1::ExportRecordsResponse> export_records_pages;
  absl::Status export_records_error;
  std::vector<v1::ExportRecordsRequest> export_records_requests;
  absl::StatusOr<v1::ReplayReleaseResponse> replay_response = v1::ReplayReleaseResponse();
  std::vector<v1::ReplayReleaseRequest> replay_requests;

  // What the client sent, in order.
  std::vector<v1::ListDatasetsRequest> list_datasets_requests;
  std::vector<v1::DescribeDatasetRequest> describe_requests;
  std::vector<v1::QueryRequest> query_requests;
  std::vector<v1::CreateDatasetRequest> create_requests;
  std::vector<v1::IngestChunk> ingest_chunks;
  std::vector<v1::ListVersionsRequest> list_versions_requests;
  std::vector<v1::ListRecordsRequest> list_records_requests;
  std::vector<v1::GetRecordRequest> get_record_requests;
};

// Forwards every call to `target`, which must outlive it: lets a test hand a
// connection to code that takes ownership (RunCli's factory) and still
// inspect the fake afterwards.
class ForwardingConnection final : public Connection {
 public:
  explicit ForwardingConnection(Connection& target) : target_(target) {}

  absl::StatusOr<v1::ListDatasetsResponse> ListDatasets(
      const v1::ListDatasetsRequest& request) override {
    return target_.ListDatasets(request);
  }
  absl::StatusOr<v1::DescribeDatasetResponse> DescribeDataset(
      const v1::DescribeDatasetRequest& request) override {
    return target_.DescribeDataset(request);
  }
  absl::StatusOr<v1::QueryResponse> Query(const v1::QueryRequest& request) override {
    return target_.Query(request);
  }
  absl::StatusOr<v1::CreateDatasetResponse> CreateDataset(
      const v1::CreateDatasetRequest& request) override {
    return target_.CreateDataset(request);
  }
  absl::StatusOr<v1::IngestResponse> IngestVersion(IngestChunkSource& chunks) override {
    return target_.IngestVersion(chunks);
  }
  absl::StatusOr<v1::ListVersionsResponse> ListVersions(
      const v1::ListVersionsRequest& request) override {
    return target_.ListVersions(request);
  }
  absl::StatusOr<v1::RotateStoreKeyResponse> RotateStoreKey(
      const v1::RotateStoreKeyRequest& request) override {
    return target_.RotateStoreKey(request);
  }
  absl::StatusOr<v1::RotateSigningKeyResponse> RotateSigningKey(
      const v1::RotateSigningKeyRequest& request) override {
    return target_.RotateSigningKey(request);
  }
  absl::StatusOr<v1::ListRecordsResponse> ListRecords(
      const v1::ListRecordsRequest& request) override {
    return target_.ListRecords(request);
  }
  absl::StatusOr<v1::ExportLogResponse> ExportLog(const v1::ExportLogRequest& request) override {
    return target_.ExportLog(request);
  }
  absl::StatusOr<v1::VerifyLogResponse> VerifyLog(const v1::VerifyLogRequest& request) override {
    return target_.VerifyLog(request);
  }
  absl::StatusOr<v1::GetRecordResponse> GetRecord(const v1::GetRecordRequest& request) override {
    return target_.GetRecord(request);
  }
  absl::StatusOr<v1::ExportRecordsResponse> ExportRecords(
      const v1::ExportRecordsRequest& request) override {
    return target_.ExportRecords(request);
  }
  absl::StatusOr<v1::ReplayReleaseResponse> ReplayRelease(
      const v1::ReplayReleaseRequest& request) override {
    return target_.ReplayRelease(request);
  }

 private:
  Connection& target_;  // not owned
};

}  // namespace cellgate::client::testing

#endif  // CELLGATE_CLIENT_TESTING_FAKE_CONNECTION_H_
