// Format 2 of the audit log end to end through AuditLog: records stored as
// a signed header plus encrypted detail blobs, read back with the content
// key only; the tamper matrix over the blob files in the style of LevelDB's
// db/log_test.cc; details moved between records; a wrong key; retention
// redaction and its crash; durability of the blobs before any answer.
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "audit/audit_log.h"
#include "audit/testing/failing_log_file_system.h"
#include "audit/verify/chain_verifier.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/detail_format.h"
#include "audit/verify/detail_reader.h"
#include "audit/verify/detail_verifier.h"
#include "audit/verify/finding.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_reader.h"
#include "common/canonical.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::audit {
namespace {

namespace fs = std::filesystem;
using ::cellgate::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kOrigin[] = "cellgate.test.example/audit/v1";
constexpr double kFigure = 987654.5;

v1::AuditRecord Release(int i) {
  v1::AuditRecord r;
  r.set_record_type(v1::RELEASE);
  r.set_release_id(absl::StrCat("r", i));
  v1::Requester* who = r.mutable_requester();
  who->set_principal(absl::StrCat("anna.mueller", i));
  who->set_certificate_identity("urn:cellgate:principal:anna.mueller");
  who->set_department("jugendamt");
  r.set_purpose("jugendhilfeplanung");
  r.set_justification(absl::StrCat("Kita-Bedarf Nord vertraulich ", i));
  r.set_dataset("kita");
  r.mutable_query()->set_dataset("kita");
  v1::ReleasedCell* cell = r.mutable_released_table()->add_cells();
  cell->add_codes("hafen-geheim");
  cell->add_values()->set_value(kFigure + i);
  r.add_suppression_audit()->set_upper(5);
  return r;
}

std::string Describe(const absl::Status& status) {
  return absl::StrCat(FindingKind(status), ": ", status.message());
}

class DetailLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey key, crypto::AesGcmKey::Generate());
    key_ = std::make_shared<const crypto::AesGcmKey>(std::move(key));
    ASSERT_OK_AND_ASSIGN(crypto::Ed25519PrivateKey signing, crypto::Ed25519PrivateKey::Generate());
    signing_ = std::make_shared<const crypto::Ed25519PrivateKey>(std::move(signing));
  }

  AuditLogOptions Options(bool encrypted = true) const {
    AuditLogOptions options;
    options.dir = Dir();
    options.origin = kOrigin;
    options.signing_key = signing_;
    options.content_key = encrypted ? key_ : nullptr;
    return options;
  }

  // Writes `n` releases in a log that is closed afterwards.
  void WriteReleases(int n, bool encrypted = true) {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(encrypted), clock_));
    for (int i = 1; i <= n; ++i) ASSERT_OK(log->Append(Release(i)).status());
  }

  std::string Dir() const { return dir_.File("audit"); }
  std::string File(v1::DetailKind kind, int year) const {
    return Dir() + "/" + DetailFileName(kind, year);
  }

  std::vector<StoredRecord> Records() const {
    absl::StatusOr<ReadResult> log = ReadLog(Dir());
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? log->records : std::vector<StoredRecord>{};
  }

  // "" if the log and its details verify against the pinned key, else the
  // finding as "kind: message".
  std::string Verify() const {
    absl::StatusOr<ReadResult> log = ReadLog(Dir());
    if (!log.ok()) return Describe(log.status());
    absl::StatusOr<ChainSummary> chain = VerifyChain(log->records, kOrigin, signing_->public_key());
    if (!chain.ok()) return Describe(chain.status());
    absl::StatusOr<DetailSummary> details = VerifyDetails(Dir(), log->records);
    if (!details.ok()) return Describe(details.status());
    return "";
  }

  DetailSummary Summary() const {
    absl::StatusOr<DetailSummary> details = VerifyDetails(Dir(), Records());
    EXPECT_TRUE(details.ok()) << details.status();
    return details.ok() ? *details : DetailSummary{};
  }

  // The seq whose blob covers byte `offset` of the file of `kind`.
  uint64_t SeqAt(v1::DetailKind kind, uint64_t offset) const {
    for (const StoredRecord& r : Records()) {
      for (const v1::DetailRef& ref : r.record.details()) {
        const uint64_t end = ref.offset() + kFrameHeaderBytes + ref.length() + kFrameCheckBytes;
        if (ref.kind() == kind && offset >= ref.offset() && offset < end) return r.seq;
      }
    }
    return ~uint64_t{0};
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{testing::UtcDay(2026, 6, 1)};
  std::shared_ptr<const crypto::AesGcmKey> key_;
  std::shared_ptr<const crypto::Ed25519PrivateKey> signing_;
};

TEST_F(DetailLogTest, StoresAHeaderAndEncryptedDetailsThatTheKeyReadsBack) {
  WriteReleases(1);
  const std::vector<StoredRecord> records = Records();
  const StoredRecord& stored = records[2];  // START CHECKPOINT RELEASE
  ASSERT_EQ(stored.record.record_type(), v1::RELEASE);
  EXPECT_EQ(stored.record.requester().department(), "jugendamt");
  EXPECT_EQ(stored.record.requester().principal(), "");
  EXPECT_FALSE(stored.record.has_released_table());
  ASSERT_EQ(stored.record.details_size(), 2);
  EXPECT_EQ(stored.record.details(0).kind(), v1::IDENTITY);
  EXPECT_EQ(stored.record.details(1).kind(), v1::CONTENT);
  EXPECT_EQ(records[0].record.format_version(), kFormatVersion);
  ASSERT_OK_AND_ASSIGN(std::vector<DetailedRecord> full, ReadDetailedLog(Dir(), key_));
  const v1::AuditRecord& r = full[2].record;
  EXPECT_EQ(r.requester().principal(), "anna.mueller1");
  EXPECT_EQ(r.justification(), "Kita-Bedarf Nord vertraulich 1");
  EXPECT_DOUBLE_EQ(r.released_table().cells(0).values(0).value(), kFigure + 1);
  EXPECT_EQ(r.suppression_audit(0).upper(), 5);
  ASSERT_EQ(full[2].details.size(), 2u);
  for (const v1::DetailStatus& s : full[2].details) {
    EXPECT_EQ(s.state(), v1::DetailStatus::DETAIL_PRESENT);
    EXPECT_TRUE(s.encrypted());
  }
  EXPECT_EQ(Verify(), "");
  EXPECT_EQ(Summary().checked, 2u);
  EXPECT_EQ(Summary().unencrypted, 0u);
}

TEST_F(DetailLogTest, APreparedRecordIsStoredAsThePlainOneAndHandsItsTableBack) {
  v1::ReleasedTable table;
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    ASSERT_OK(log->Append(Release(1)).status());
    PreparedRecord prepared = AuditLog::Prepare(Release(2), &table);
    EXPECT_FALSE(prepared.header.has_released_table());
    ASSERT_OK(log->Append(std::move(prepared)).status());
  }
  // The table came back whole, as the caller gave it.
  EXPECT_EQ(table.SerializeAsString(), Release(2).released_table().SerializeAsString());
  ASSERT_OK_AND_ASSIGN(std::vector<DetailedRecord> full, ReadDetailedLog(Dir(), key_));
  ASSERT_EQ(full.size(), 8u);  // START, each release and STOP, each with its checkpoint
  const v1::AuditRecord& plain = full[2].record;
  const v1::AuditRecord& from_prepared = full[4].record;
  EXPECT_EQ(from_prepared.release_id(), "r2");
  EXPECT_EQ(from_prepared.requester().principal(), "anna.mueller2");
  EXPECT_EQ(from_prepared.justification(), "Kita-Bedarf Nord vertraulich 2");
  EXPECT_DOUBLE_EQ(from_prepared.released_table().cells(0).values(0).value(), kFigure + 2);
  EXPECT_EQ(from_prepared.details_size(), plain.details_size());
  EXPECT_EQ(Verify(), "");
}

// Every byte the server wrote, segments and detail files alike: without the
// content key (the baseline) the secrets are there to read; with it, none.
std::string AllBytesUnder(const std::string& dir) {
  std::string all;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) all += testing::ReadTestFile(e.path().string());
  }
  return all;
}

TEST_F(DetailLogTest, NoPlaintextIdentityJustificationOrFigureInAnyFileItWrites) {
  const double figure = kFigure + 1;
  const std::string figure_bytes(reinterpret_cast<const char*>(&figure), sizeof(figure));
  const std::vector<std::string> secrets = {"anna.mueller", "Kita-Bedarf Nord", "hafen-geheim",
                                            figure_bytes};
  WriteReleases(1, /*encrypted=*/false);
  const std::string plain = AllBytesUnder(Dir());
  for (const std::string& secret : secrets) EXPECT_THAT(plain, HasSubstr(secret));
  fs::remove_all(Dir());
  WriteReleases(1, /*encrypted=*/true);
  const std::string encrypted = AllBytesUnder(Dir());
  for (const std::string& secret : secrets) {
    EXPECT_THAT(encrypted, ::testing::Not(HasSubstr(secret)));
  }
  EXPECT_THAT(encrypted, HasSubstr("jugendamt"));  // the office stays in clear
}

TEST_F(DetailLogTest, WrongOrMissingContentKeyIsAClearErrorNeverGarbage) {
  WriteReleases(1);
  ASSERT_OK_AND_ASSIGN(crypto::AesGcmKey other, crypto::AesGcmKey::Generate());
  auto wrong = std::make_shared<const crypto::AesGcmKey>(std::move(other));
  EXPECT_THAT(ReadDetailedLog(Dir(), wrong),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr("record 2"), HasSubstr("wrong audit content key"),
                                        HasSubstr(crypto::HexEncode(key_->id())))));
  // The server will not continue a log under another key, or none.
  AuditLogOptions options = Options();
  options.content_key = wrong;
  EXPECT_THAT(AuditLog::Open(options, clock_), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                        HasSubstr("wrong audit content key")));
  EXPECT_THAT(AuditLog::Open(Options(/*encrypted=*/false), clock_),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("no audit content key is configured")));
  // Without a key the header is readable and the details say why not.
  ASSERT_OK_AND_ASSIGN(std::vector<DetailedRecord> headers, ReadDetailedLog(Dir(), nullptr));
  EXPECT_EQ(headers[2].record.dataset(), "kita");
  EXPECT_EQ(headers[2].record.requester().principal(), "");
  EXPECT_EQ(headers[2].details[0].state(), v1::DetailStatus::DETAIL_UNREADABLE);
  EXPECT_THAT(headers[2].details[0].note(), HasSubstr("no content key given"));
}

TEST_F(DetailLogTest, EveryFlippedDetailByteIsFoundAndNamesItsRecord) {
  WriteReleases(3);
  ASSERT_EQ(Verify(), "");
  for (v1::DetailKind kind : {v1::IDENTITY, v1::CONTENT}) {
    const std::string path = File(kind, 2026);
    const std::string original = testing::ReadTestFile(path);
    for (size_t i = 0; i < original.size(); ++i) {
      std::string bytes = original;
      bytes[i] ^= 0x01;
      testing::WriteTestFile(path, bytes);
      EXPECT_THAT(Verify(), ::testing::AllOf(StartsWith("changed_detail: "),
                                             HasSubstr(absl::StrCat("record ", SeqAt(kind, i)))))
          << DetailKindName(kind) << " byte " << i;
    }
    testing::WriteTestFile(path, original);
  }
  EXPECT_EQ(Verify(), "");
}

TEST_F(DetailLogTest, EveryTruncationOfADetailFileIsMissingDetail) {
  WriteReleases(3);
  const std::string path = File(v1::IDENTITY, 2026);
  const std::string original = testing::ReadTestFile(path);
  for (size_t length = 0; length < original.size(); ++length) {
    testing::WriteTestFile(path, original.substr(0, length));
    EXPECT_THAT(Verify(),
                ::testing::AllOf(StartsWith("missing_detail: "),
                                 HasSubstr(absl::StrCat("record ", SeqAt(v1::IDENTITY, length)))))
        << "cut to " << length;
  }
}

TEST_F(DetailLogTest, DeletedDetailFileWithoutARedactionIsMissingNotRedacted) {
  WriteReleases(2);
  fs::remove(File(v1::IDENTITY, 2026));
  EXPECT_THAT(Verify(), ::testing::AllOf(StartsWith("missing_detail: "),
                                         HasSubstr("identity detail of record 2"),
                                         HasSubstr("no RETENTION_REDACTION record")));
  // Nor does the server continue such a log.
  EXPECT_THAT(AuditLog::Open(Options(), clock_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("identity-2026.blobs is missing")));
}

TEST_F(DetailLogTest, SwappedBlobsInAFileAreChangedDetails) {
  WriteReleases(3);
  const std::vector<StoredRecord> records = Records();
  const v1::DetailRef& a = records[2].record.details(0);
  const v1::DetailRef& b = records[4].record.details(0);
  ASSERT_EQ(a.length(), b.length());
  const std::string path = File(v1::IDENTITY, 2026);
  std::string bytes = testing::ReadTestFile(path);
  const size_t frame = kFrameHeaderBytes + a.length() + kFrameCheckBytes;
  const std::string first = bytes.substr(a.offset(), frame);
  bytes.replace(a.offset(), frame, bytes.substr(b.offset(), frame));
  bytes.replace(b.offset(), frame, first);
  testing::WriteTestFile(path, bytes);
  EXPECT_THAT(Verify(), ::testing::AllOf(StartsWith("changed_detail: "), HasSubstr("record 2")));
}

// An attacker who holds the signing key but not the content key swaps two
// records' identity details and rewrites the headers to match. The hashes
// and signatures then check out; the associated data does not.
TEST_F(DetailLogTest, DetailsMovedBetweenRecordsOfARewrittenLogFailAuthentication) {
  WriteReleases(3);
  std::vector<StoredRecord> records = Records();
  const v1::DetailRef a = records[2].record.details(0);
  const v1::DetailRef b = records[4].record.details(0);
  ASSERT_EQ(a.length(), b.length());
  const std::string path = File(v1::IDENTITY, 2026);
  std::string bytes = testing::ReadTestFile(path);
  const size_t frame = kFrameHeaderBytes + a.length() + kFrameCheckBytes;
  const std::string blob_a = bytes.substr(a.offset() + kFrameHeaderBytes, a.length());
  const std::string frame_a = bytes.substr(a.offset(), frame);
  bytes.replace(a.offset(), frame, bytes.substr(b.offset(), frame));
  bytes.replace(b.offset(), frame, frame_a);
  testing::WriteTestFile(path, bytes);
  records[2].record.mutable_details(0)->set_sha256(b.sha256());
  records[4].record.mutable_details(0)->set_sha256(a.sha256());
  std::string segment;
  std::string prev(32, '\0');
  CompactRange tree;
  for (size_t i = 0; i < records.size(); ++i) {
    v1::AuditRecord& h = records[i].record;
    h.set_prev_leaf_hash(prev);
    if (h.record_type() == v1::CHECKPOINT) {
      ASSERT_OK_AND_ASSIGN(std::string note, SignCheckpoint(kOrigin, i, tree.Root(), *signing_));
      h.set_detail(note);
    }
    const std::string stored = CanonicalBytes(h);
    segment += EncodeFrame(stored);
    tree.Append(LeafHash(stored));
    prev = crypto::DigestBytes(LeafHash(stored));
  }
  testing::WriteTestFile(Dir() + "/" + SegmentName(1), segment);
  ASSERT_EQ(Verify(), "");  // hashes and signatures are the attacker's
  // Without the binding to its record, record 2 would show record 4's
  // requester: the blob itself is intact and opens as record 4's.
  EXPECT_OK(OpenDetail(blob_a, DetailAad(kOrigin, 2, v1::IDENTITY), key_.get()).status());
  ASSERT_OK_AND_ASSIGN(std::vector<DetailedRecord> full, ReadDetailedLog(Dir(), key_));
  for (size_t seq : {2u, 4u}) {
    EXPECT_EQ(full[seq].record.requester().principal(), "") << seq;
    EXPECT_EQ(full[seq].details[0].state(), v1::DetailStatus::DETAIL_UNREADABLE) << seq;
    EXPECT_THAT(full[seq].details[0].note(), HasSubstr("moved from another record")) << seq;
    EXPECT_EQ(full[seq].details[1].state(), v1::DetailStatus::DETAIL_PRESENT) << seq;
  }
  EXPECT_EQ(full[6].record.requester().principal(), "anna.mueller3");
}

TEST_F(DetailLogTest, BytesAfterTheLastDetailAreATailThatTheNextStartCuts) {
  WriteReleases(1);
  {
    std::ofstream out(File(v1::CONTENT, 2026), std::ios::binary | std::ios::app);
    out << "half a commit";
  }
  EXPECT_EQ(Verify(), "");
  EXPECT_EQ(Summary().tail_bytes, 13u);
  { ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_)); }
  EXPECT_EQ(Summary().tail_bytes, 0u);
  bool recorded = false;
  for (const StoredRecord& r : Records()) {
    recorded |= r.record.record_type() == v1::RECOVERY &&
                absl::StrContains(r.record.detail(), "cut 13 bytes of uncommitted details");
  }
  EXPECT_TRUE(recorded);
  EXPECT_EQ(Verify(), "");
}

TEST_F(DetailLogTest, DetailFileShorterThanItsRecordsStopsTheStartAndChangesNothing) {
  WriteReleases(2);
  const std::string path = File(v1::IDENTITY, 2026);
  const std::string bytes = testing::ReadTestFile(path);
  testing::WriteTestFile(path, bytes.substr(0, bytes.size() - 3));
  const uintmax_t segment_size = fs::file_size(Dir() + "/" + SegmentName(1));
  EXPECT_THAT(AuditLog::Open(Options(), clock_),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("details were cut or lost")));
  EXPECT_EQ(fs::file_size(Dir() + "/" + SegmentName(1)), segment_size);
}

TEST_F(DetailLogTest, FailedSyncOfADetailFileWithholdsTheRecordAndLatchesTheLog) {
  auto failing = std::make_unique<FailingLogFileSystem>();
  FailingLogFileSystem* control = failing.get();
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_, std::move(failing)));
    ASSERT_OK(log->Append(Release(1)).status());
    control->FailNextSyncOf("identity-");
    EXPECT_THAT(log->Append(Release(2)), StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_FALSE(log->healthy());
    const int appends = control->appends();
    const int syncs = control->syncs();
    EXPECT_THAT(log->Append(Release(3)), StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_EQ(control->appends(), appends);
    EXPECT_EQ(control->syncs(), syncs);
  }
  // The record never reached the segment: no receipt names it.
  for (const StoredRecord& r : Records()) EXPECT_NE(r.record.release_id(), "r2");
  // Its blob did reach the detail file; the restart cuts it and says so.
  ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
  EXPECT_TRUE(log->healthy());
  log.reset();
  EXPECT_EQ(Verify(), "");
  EXPECT_EQ(Summary().tail_bytes, 0u);
}

TEST_F(DetailLogTest, ALogANewerFormatContinuedIsNotTouched) {
  v1::AuditRecord start;
  start.set_record_type(v1::START);
  start.set_prev_leaf_hash(std::string(32, '\0'));
  start.set_log_origin(kOrigin);
  start.set_time_utc("2026-06-01T00:00:00.000Z");
  start.set_format_version(kFormatVersion + 1);
  fs::create_directories(Dir());
  const std::string segment = EncodeFrame(CanonicalBytes(start));
  testing::WriteTestFile(Dir() + "/" + SegmentName(1), segment);
  EXPECT_THAT(AuditLog::Open(Options(), clock_),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("newer cellgate")));
  EXPECT_EQ(testing::ReadTestFile(Dir() + "/" + SegmentName(1)), segment);
}

TEST_F(DetailLogTest, ConcurrentAppendsPlaceEveryDetailRight) {
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 20; ++i) EXPECT_OK(log->Append(Release(100 * t + i)).status());
      });
    }
    for (std::thread& t : threads) t.join();
  }
  EXPECT_EQ(Verify(), "");
  EXPECT_EQ(Summary().checked, 2u * 160u);
}

class RedactionTest : public DetailLogTest {
 protected:
  // Two releases in 2026 and one in 2027, then the clock at `now`.
  void WriteTwoYears() {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    ASSERT_OK(log->Append(Release(1)).status());
    ASSERT_OK(log->Append(Release(2)).status());
    clock_.Set(testing::UtcDay(2027, 3, 1));
    ASSERT_OK(log->Append(Release(3)).status());
  }
};

TEST_F(RedactionTest, AnExpiredFileIsDeletedByARecordAndVerifyReportsRedacted) {
  WriteTwoYears();
  clock_.Set(testing::UtcDay(2028, 1, 2));
  {
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_));
    ASSERT_OK_AND_ASSIGN(v1::Receipt receipt,
                         log->RedactDetails(v1::IDENTITY, 2026, "identity rule of the test"));
    EXPECT_FALSE(fs::exists(File(v1::IDENTITY, 2026)));
    EXPECT_TRUE(fs::exists(File(v1::IDENTITY, 2027)));
    const StoredRecord redaction = Records()[receipt.seq()];
    EXPECT_EQ(redaction.record.record_type(), v1::RETENTION_REDACTION);
    EXPECT_EQ(redaction.record.redaction().file(), "details/identity-2026.blobs");
    EXPECT_EQ(redaction.record.redaction().blobs(), 2u);
    EXPECT_EQ(redaction.record.redaction().first_seq(), 2u);
    // Not before a year is over, and only once.
    EXPECT_THAT(log->RedactDetails(v1::IDENTITY, 2028, "r"),
                StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("before 2028 is over")));
    EXPECT_THAT(log->RedactDetails(v1::IDENTITY, 2026, "r"), StatusIs(absl::StatusCode::kNotFound));
    EXPECT_TRUE(log->healthy());
  }
  EXPECT_EQ(Verify(), "");
  const DetailSummary summary = Summary();
  EXPECT_EQ(summary.redacted, 2u);
  EXPECT_EQ(summary.checked, 4u);  // three contents, one identity of 2027
  EXPECT_THAT(summary.redaction_rules, ::testing::ElementsAre("identity rule of the test"));
  ASSERT_OK_AND_ASSIGN(std::vector<DetailedRecord> full, ReadDetailedLog(Dir(), key_));
  EXPECT_EQ(full[2].record.requester().principal(), "");
  EXPECT_EQ(full[2].details[0].state(), v1::DetailStatus::DETAIL_REDACTED);
  EXPECT_THAT(full[2].details[0].note(), HasSubstr("identity rule of the test"));
  EXPECT_DOUBLE_EQ(full[2].record.released_table().cells(0).values(0).value(), kFigure + 1);
  EXPECT_EQ(full[6].record.requester().principal(), "anna.mueller3");
}

TEST_F(RedactionTest, ACrashBetweenTheRecordAndTheUnlinkIsSettledOnTheNextStart) {
  WriteTwoYears();
  clock_.Set(testing::UtcDay(2028, 1, 2));
  {
    auto failing = std::make_unique<FailingLogFileSystem>();
    failing->FailNextRemove();
    ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_, std::move(failing)));
    EXPECT_THAT(log->RedactDetails(v1::IDENTITY, 2026, "r"),
                StatusIs(absl::StatusCode::kUnavailable, HasSubstr("the next start removes it")));
  }
  EXPECT_TRUE(fs::exists(File(v1::IDENTITY, 2026)));
  EXPECT_EQ(Verify(), "");  // recorded as deleted: redacted, even while the file lingers
  { ASSERT_OK_AND_ASSIGN(auto log, AuditLog::Open(Options(), clock_)); }
  EXPECT_FALSE(fs::exists(File(v1::IDENTITY, 2026)));
  bool recorded = false;
  for (const StoredRecord& r : Records()) {
    recorded |= absl::StrContains(r.record.detail(),
                                  "completed the deletion of "
                                  "details/identity-2026.blobs");
  }
  EXPECT_TRUE(recorded);
  EXPECT_EQ(Verify(), "");
}

TEST_F(RedactionTest, AForgedRedactionOfAYearNotOverIsFound) {
  WriteTwoYears();
  // The attacker deletes this year's identities and appends a redaction
  // record for them, with the signing key.
  std::vector<StoredRecord> records = Records();
  fs::remove(File(v1::IDENTITY, 2027));
  v1::AuditRecord forged;
  forged.set_record_type(v1::RETENTION_REDACTION);
  forged.set_seq(records.size());
  forged.set_log_origin(kOrigin);
  forged.set_time_utc(records.back().record.time_utc());
  forged.mutable_redaction()->set_kind(v1::IDENTITY);
  forged.mutable_redaction()->set_period("2027");
  forged.mutable_redaction()->set_file("details/identity-2027.blobs");
  forged.mutable_redaction()->set_first_seq(0);
  forged.mutable_redaction()->set_last_seq(100);
  forged.set_prev_leaf_hash(crypto::DigestBytes(records.back().leaf_hash));
  std::ofstream(Dir() + "/" + SegmentName(1), std::ios::binary | std::ios::app)
      << EncodeFrame(CanonicalBytes(forged));
  EXPECT_THAT(Verify(), ::testing::AllOf(StartsWith("forged: "), HasSubstr("before its year")));
}

}  // namespace
}  // namespace cellgate::audit
