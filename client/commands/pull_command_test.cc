#include "client/commands/pull_command.h"

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "client/app.h"
#include "client/exit_codes.h"
#include "absl/strings/str_split.h"
#include "client/export/csv_export.h"
#include "client/render/text_table.h"
#include "client/testing/fake_connection.h"
#include "client/testing/test_tables.h"
#include "client/testing/xlsx_dump.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::FakeConnection;
using ::cellgate::client::testing::ForwardingConnection;
using ::cellgate::client::testing::DumpXlsx;
using ::cellgate::client::testing::PulledLeaversTable;
using ::cellgate::testing::IsOk;
using ::cellgate::testing::ReadTestFile;
using ::cellgate::testing::StatusIs;
using ::cellgate::testing::TempDir;
using ::cellgate::testing::WriteTestFile;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// Two pullable tables of dataset "abgang" and one pending table.
constexpr char kManifest[] = R"pb(
  id: "bericht"
  title: "Bericht 2025"
  publisher: "Bildungsbüro"
  purpose: "bildungsbericht"
  legal_basis: "schulg_rlp_67"
  formats: [ "csv", "csv-de", "json", "ffcsv", "html", "xlsx" ]
  tables {
    id: "abschluesse"
    title: "Schulabgänger nach Abschlussart"
    dataset: "abgang"
    years { dimension: "abgangsjahr" codes: "2025" }
    group_by { dimension: "abschluss" }
    measures { kind: COUNT }
  }
  tables {
    id: "abschluesse_sex"
    title: "Schulabgänger nach Geschlecht"
    dataset: "abgang"
    years { dimension: "abgangsjahr" codes: "2025" }
    group_by { dimension: "sex" }
    measures { kind: COUNT }
  }
  tables {
    id: "vhs"
    title: "Volkshochschule"
    dataset: "vhs_belegung"
    years { dimension: "arbeitsjahr" codes: "2025" }
    measures { kind: COUNT }
    pending_reason: "Datensatz fehlt"
  }
)pb";

class PullCommandTest : public ::testing::Test {
 protected:
  PullCommandTest() {
    WriteTestFile(manifest_, kManifest);
    v1::DatasetSummary* d = fake_.list_datasets_response->add_datasets();
    d->set_id("abgang");
    d->set_latest_version(3);
    d->set_latest_version_hash("abc123");
    fake_.query_response = PulledLeaversTable().response();
  }

  absl::Status Pull(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"pull", manifest_, "--out", out_dir_};
    args.insert(args.end(), extra.begin(), extra.end());
    absl::StatusOr<CommandLine> line = ParseCommandLine(args, nullptr);
    if (!line.ok()) return line.status();
    out_.str("");
    progress_.str("");
    return RunPull(*line, fake_, out_, progress_);
  }

  bool Exists(const std::string& name) const {
    return std::filesystem::exists(std::filesystem::path(out_dir_) / name);
  }

  TempDir tmp_;
  const std::string manifest_ = tmp_.File("bericht.textproto");
  const std::string out_dir_ = tmp_.File("out");
  FakeConnection fake_;
  std::ostringstream out_;
  std::ostringstream progress_;
};

TEST_F(PullCommandTest, WritesEveryFormatOfEveryTableAtTheListedVersion) {
  ASSERT_THAT(Pull(), IsOk());
  for (const char* file : {"abschluesse.csv", "abschluesse.de.csv", "abschluesse.json",
                           "abschluesse.ffcsv.csv", "abschluesse_sex.csv", "bericht.html",
                           "bericht.xlsx", ".pull/abschluesse.pb", ".pull/abschluesse_sex.pb"}) {
    EXPECT_TRUE(Exists(file)) << file;
  }
  EXPECT_FALSE(Exists("vhs.csv"));
  ASSERT_EQ(fake_.query_requests.size(), 2u);
  const v1::Query& q = fake_.query_requests[0].query();
  EXPECT_EQ(q.dataset(), "abgang");
  EXPECT_EQ(q.version(), 3);
  EXPECT_EQ(q.client_request_id(), "bericht/abschluesse");
  EXPECT_EQ(fake_.query_requests[1].query().group_by(1).dimension(), "sex");
}

TEST_F(PullCommandTest, WrittenFileIsTheExportOfTheAnswer) {
  ASSERT_THAT(Pull(), IsOk());
  v1::PulledTable expected = PulledLeaversTable();
  const std::string csv_de = ReadTestFile(out_dir_ + "/abschluesse.de.csv");
  EXPECT_THAT(csv_de, HasSubstr("\xEF\xBB\xBFSchulabgänger nach Abschlussart\r\n"));
  EXPECT_THAT(csv_de, HasSubstr("2025;ohne Berufsreife;.;.\r\n"));
  EXPECT_THAT(csv_de, HasSubstr("Release-ID;rel-1\r\n"));
  EXPECT_THAT(csv_de, HasSubstr("Quelle;Bildungsbüro\r\n"));
}

TEST_F(PullCommandTest, ShowsProgressPerTableAndASummary) {
  ASSERT_THAT(Pull(), IsOk());
  EXPECT_THAT(progress_.str(),
              HasSubstr("[1/3] abschluesse (Schulabgänger nach Abschlussart) ... written, 4 "
                        "cells, 1 suppressed, release rel-1\n"));
  EXPECT_THAT(progress_.str(), HasSubstr("[3/3] vhs (Volkshochschule) ... pending: Datensatz fehlt\n"));
  EXPECT_THAT(out_.str(), HasSubstr("abschluesse      written      4           1  rel-1\n"));
  EXPECT_THAT(out_.str(), HasSubstr("vhs              pending                     Datensatz fehlt\n"));
  EXPECT_THAT(out_.str(), HasSubstr("2 written, 0 skipped, 1 pending, 0 failed"));
}

TEST_F(PullCommandTest, FailingTableFailsThePullButTheOthersAreWritten) {
  fake_.query_handler = [](const v1::QueryRequest& r) -> absl::StatusOr<v1::QueryResponse> {
    if (r.query().group_by(1).dimension() == "sex") {
      return absl::PermissionDeniedError("purpose \"bildungsbericht\" is not granted");
    }
    return PulledLeaversTable().response();
  };
  EXPECT_THAT(Pull(), StatusIs(absl::StatusCode::kPermissionDenied,
                               HasSubstr("1 of 3 tables failed (abschluesse_sex)")));
  EXPECT_TRUE(Exists("abschluesse.csv"));
  EXPECT_FALSE(Exists("abschluesse_sex.csv"));
  EXPECT_FALSE(Exists(".pull/abschluesse_sex.pb"));
  EXPECT_THAT(progress_.str(),
              HasSubstr("[2/3] abschluesse_sex (Schulabgänger nach Geschlecht) ... FAILED: "
                        "PERMISSION_DENIED: purpose \"bildungsbericht\" is not granted\n"));
  EXPECT_THAT(out_.str(), HasSubstr("1 written, 0 skipped, 1 pending, 1 failed"));
  EXPECT_THAT(ReadTestFile(out_dir_ + "/bericht.html"),
              HasSubstr("Nicht verfügbar: nicht abgerufen (purpose &quot;bildungsbericht&quot; "
                        "is not granted)"));
}

TEST_F(PullCommandTest, FailingTableGivesANonZeroExitCodeThroughTheCli) {
  fake_.query_response = absl::PermissionDeniedError("not granted");
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunCli(
      {"--plaintext", "pull", manifest_, "--out", out_dir_}, nullptr,
      [this](const GlobalFlags&) -> absl::StatusOr<std::unique_ptr<Connection>> {
        return std::unique_ptr<Connection>(new ForwardingConnection(fake_));
      },
      out, err);
  EXPECT_EQ(code, kExitPermission);
  EXPECT_THAT(err.str(), HasSubstr("[1/3] abschluesse"));
  EXPECT_THAT(err.str(), HasSubstr("cellgate: PERMISSION_DENIED: 2 of 3 tables failed"));
  EXPECT_THAT(out.str(), HasSubstr("0 written, 0 skipped, 1 pending, 2 failed"));
}

TEST_F(PullCommandTest, ResumeSkipsTablesWrittenFromTheSameEntryAndVersion) {
  ASSERT_THAT(Pull(), IsOk());
  ASSERT_THAT(Pull({"--resume"}), IsOk());
  EXPECT_EQ(fake_.query_requests.size(), 2u);  // none asked the second time
  EXPECT_THAT(progress_.str(), HasSubstr("abschluesse (Schulabgänger nach Abschlussart) ... skipped"));
  EXPECT_THAT(out_.str(), HasSubstr("0 written, 2 skipped, 1 pending, 0 failed"));
  // The report still holds the skipped tables.
  EXPECT_THAT(ReadTestFile(out_dir_ + "/bericht.html"), HasSubstr("<dd>rel-1</dd>"));
}

TEST_F(PullCommandTest, ResumeAsksAgainWhenTheDatasetVersionChanged) {
  ASSERT_THAT(Pull(), IsOk());
  fake_.list_datasets_response->mutable_datasets(0)->set_latest_version(4);
  fake_.list_datasets_response->mutable_datasets(0)->set_latest_version_hash("new");
  ASSERT_THAT(Pull({"--resume"}), IsOk());
  ASSERT_EQ(fake_.query_requests.size(), 4u);
  EXPECT_EQ(fake_.query_requests[3].query().version(), 4);
}

TEST_F(PullCommandTest, ResumeAsksAgainWhenAFileIsMissing) {
  ASSERT_THAT(Pull(), IsOk());
  std::filesystem::remove(std::filesystem::path(out_dir_) / "abschluesse.json");
  ASSERT_THAT(Pull({"--resume"}), IsOk());
  ASSERT_EQ(fake_.query_requests.size(), 3u);
  EXPECT_EQ(fake_.query_requests[2].query().client_request_id(), "bericht/abschluesse");
  EXPECT_TRUE(Exists("abschluesse.json"));
}

TEST_F(PullCommandTest, ResumeAsksAgainWhenTheManifestEntryChanged) {
  ASSERT_THAT(Pull(), IsOk());
  std::string text = kManifest;
  text.replace(text.find("Schulabgänger nach Geschlecht"), 5, "Alle ");
  WriteTestFile(manifest_, text);
  ASSERT_THAT(Pull({"--resume"}), IsOk());
  ASSERT_EQ(fake_.query_requests.size(), 3u);
  EXPECT_EQ(fake_.query_requests[2].query().client_request_id(), "bericht/abschluesse_sex");
}

TEST_F(PullCommandTest, WithoutResumeEveryTableIsAskedAgain) {
  ASSERT_THAT(Pull(), IsOk());
  ASSERT_THAT(Pull(), IsOk());
  EXPECT_EQ(fake_.query_requests.size(), 4u);
}

TEST_F(PullCommandTest, FormatsAndTablesFlagsNarrowThePull) {
  ASSERT_THAT(Pull({"--formats", "csv", "--tables", "abschluesse_sex"}), IsOk());
  EXPECT_TRUE(Exists("abschluesse_sex.csv"));
  EXPECT_FALSE(Exists("abschluesse_sex.json"));
  EXPECT_FALSE(Exists("abschluesse.csv"));
  EXPECT_FALSE(Exists("bericht.html"));
  EXPECT_EQ(fake_.query_requests.size(), 1u);
  EXPECT_THAT(progress_.str(), Not(HasSubstr("vhs")));
  EXPECT_THAT(progress_.str(), HasSubstr("[1/1] abschluesse_sex"));
}

TEST_F(PullCommandTest, ReportNamesThePendingReasonEvenWhenTheTableIsNotSelected) {
  ASSERT_THAT(Pull({"--tables", "abschluesse"}), IsOk());
  const std::string html = ReadTestFile(out_dir_ + "/bericht.html");
  EXPECT_THAT(html, HasSubstr("Nicht verfügbar: Datensatz fehlt"));
  EXPECT_THAT(html, HasSubstr("<h2>2. Schulabgänger nach Geschlecht</h2>\n<p class=\"missing\">"
                              "Nicht verfügbar: noch nicht abgerufen"));
}

TEST_F(PullCommandTest, LetterSymbolsReachTheFiles) {
  ASSERT_THAT(Pull({"--symbols", "letters"}), IsOk());
  EXPECT_THAT(ReadTestFile(out_dir_ + "/abschluesse.de.csv"), HasSubstr("2025;ohne Berufsreife;g;g\r\n"));
}

TEST_F(PullCommandTest, BadManifestIsAUsageErrorNamingFileTableAndFieldBeforeAnyCall) {
  std::string text = kManifest;
  text.replace(text.find("group_by { dimension: \"sex\" }"), 29, "group_by { dimension: \"abgangsjahr\" }");
  WriteTestFile(manifest_, text);
  const absl::Status s = Pull();
  EXPECT_TRUE(IsUsageError(s));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("bericht.textproto: table \"abschluesse_sex\": field "
                                    "\"group_by[0].dimension\": \"abgangsjahr\"")));
  EXPECT_TRUE(fake_.list_datasets_requests.empty());
  EXPECT_TRUE(fake_.query_requests.empty());
}

TEST_F(PullCommandTest, UnknownFormatOrTableFlagIsAUsageError) {
  EXPECT_TRUE(IsUsageError(Pull({"--formats", "csv,pdf"})));
  EXPECT_THAT(Pull({"--formats", "csv,pdf"}), StatusIs(absl::StatusCode::kInvalidArgument,
                                                       HasSubstr("\"pdf\"")));
  EXPECT_THAT(Pull({"--tables", "nope"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"nope\"")));
  EXPECT_THAT(Pull({"--symbols", "emoji"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("\"emoji\"")));
  EXPECT_TRUE(fake_.query_requests.empty());
}

// One table whose share of each Abschlussart in its total the client
// derives from the released counts.
constexpr char kShareManifest[] = R"pb(
  id: "bericht"
  title: "Bericht 2025"
  purpose: "bildungsbericht"
  legal_basis: "schulg_rlp_67"
  formats: [ "csv-de", "json", "html" ]
  tables {
    id: "abschluesse"
    title: "Schulabgänger nach Abschlussart"
    dataset: "abgang"
    years { dimension: "abgangsjahr" codes: "2025" }
    group_by { dimension: "abschluss" }
    measures { kind: COUNT }
    measures { kind: MEAN column: "alter" }
    shares { of_dimension: "abschluss" label: "Anteil (%)" }
  }
)pb";

TEST_F(PullCommandTest, ExportsDerivedSharesAndKeepsTheServersAnswer) {
  WriteTestFile(manifest_, kShareManifest);
  ASSERT_THAT(Pull(), IsOk());
  ASSERT_EQ(fake_.query_requests.size(), 1u);
  // The server is asked for the counts only.
  EXPECT_EQ(fake_.query_requests[0].query().measures_size(), 2);
  // 1100 of 1234 leavers have the AHR: 89.14…%.
  const std::string csv_de = ReadTestFile(out_dir_ + "/abschluesse.de.csv");
  EXPECT_THAT(csv_de, HasSubstr("Abgangsjahr;Abschlussart;Anzahl;Alter (Mittel);Anteil (%)\r\n"
                                "2025;Insgesamt;1234;18,3;100,0\r\n"
                                "2025;ohne Berufsreife;.;.;.\r\n"
                                "2025;Berufsreife;–;x;0,0\r\n"
                                "2025;allgemeine Hochschulreife;1100;/;89,1\r\n"));
  EXPECT_THAT(ReadTestFile(out_dir_ + "/abschluesse.json"),
              HasSubstr("\"id\":\"share:abschluss\",\"kind\":\"share\""));
  EXPECT_THAT(ReadTestFile(out_dir_ + "/bericht.html"), HasSubstr("<th>Anteil (%): Insgesamt</th>"));
  v1::PulledTable record;
  ASSERT_TRUE(record.ParseFromString(ReadTestFile(out_dir_ + "/.pull/abschluesse.pb")));
  EXPECT_EQ(record.response().table().measures_size(), 2);
  EXPECT_EQ(record.response().table().cells(3).values_size(), 2);
}

TEST_F(PullCommandTest, AnswerThatDoesNotFitTheSharesFailsTheTable) {
  WriteTestFile(manifest_, kShareManifest);
  fake_.query_response->mutable_table()->mutable_measures()->RemoveLast();
  EXPECT_THAT(Pull(), StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("table \"abschluesse\": the answer has 1 measures")));
  EXPECT_FALSE(Exists(".pull/abschluesse.pb"));
}

// A share over another dataset with its denominator's count.
constexpr char kQuoteManifest[] = R"pb(
  id: "bericht"
  title: "Bericht 2025"
  purpose: "bildungsbericht"
  legal_basis: "schulg_rlp_67"
  channel: PUBLIC
  formats: [ "csv-de", "json" ]
  tables {
    id: "abschluesse"
    title: "Schulabgänger je Einwohner"
    dataset: "abgang"
    years { dimension: "abgangsjahr" codes: "2025" }
    group_by { dimension: "abschluss" }
    measures { kind: COUNT }
    shares {
      denominator_dataset: "population"
      denominator_filters { dimension: "alter" codes: "16" codes: "17" }
      denominator_label: "Einwohner 16 und 17"
      label: "Quote (%)"
    }
  }
)pb";

// The leavers' table answered with the denominator's count and the share.
v1::QueryResponse QuoteResponse() {
  v1::QueryResponse response = PulledLeaversTable().response();
  v1::ReleasedTable& t = *response.mutable_table();
  v1::Measure::Denominator d;
  d.set_dataset("population");
  d.set_version(5);
  d.set_version_hash("pop5");
  v1::MeasureFacts& count = *t.mutable_measures(1);
  count.Clear();
  count.mutable_measure()->set_kind(v1::Measure::COUNT);
  *count.mutable_measure()->mutable_denominator() = d;
  count.set_label("Anzahl Bevölkerung");
  v1::MeasureFacts& share = *t.add_measures();
  share.mutable_measure()->set_kind(v1::Measure::SHARE);
  *share.mutable_measure()->mutable_denominator() = d;
  share.set_label("Anteil an Bevölkerung in %");
  share.set_decimals(1);
  for (v1::ReleasedCell& cell : *t.mutable_cells()) {
    cell.mutable_values(1)->set_status(v1::PUBLISHED);
    cell.mutable_values(1)->set_value(4000);
    v1::CellValue& v = *cell.add_values();
    v = cell.values(0);
    if (v.status() == v1::PUBLISHED) v.set_value(100.0 * v.value() / 4000);
  }
  return response;
}

TEST_F(PullCommandTest, PullsAShareOverAnotherDatasetAtItsListedVersion) {
  WriteTestFile(manifest_, kQuoteManifest);
  v1::DatasetSummary* d = fake_.list_datasets_response->add_datasets();
  d->set_id("population");
  d->set_latest_version(5);
  d->set_latest_version_hash("pop5");
  fake_.query_response = QuoteResponse();
  ASSERT_THAT(Pull(), IsOk());
  ASSERT_EQ(fake_.query_requests.size(), 1u);
  const v1::Query& q = fake_.query_requests[0].query();
  EXPECT_EQ(q.channel(), v1::PUBLIC);
  ASSERT_EQ(q.measures_size(), 3);
  EXPECT_EQ(q.measures(1).denominator().version(), 5);
  EXPECT_EQ(q.measures(2).denominator().filters(0).dimension(), "alter");
  const std::string csv_de = ReadTestFile(out_dir_ + "/abschluesse.de.csv");
  EXPECT_THAT(csv_de, HasSubstr("Abgangsjahr;Abschlussart;Anzahl;Einwohner 16 und 17;Quote (%)\r\n"
                                "2025;Insgesamt;1234;4000;30,9\r\n"));
  EXPECT_THAT(csv_de, HasSubstr("Nenner: Versionskennung;pop5"));
  EXPECT_THAT(ReadTestFile(out_dir_ + "/abschluesse.json"),
              HasSubstr("\"id\":\"share:@population\",\"kind\":\"share\""));
  // A new version of the other dataset: --resume asks again.
  ASSERT_THAT(Pull({"--resume"}), IsOk());
  EXPECT_EQ(fake_.query_requests.size(), 1u);
  fake_.list_datasets_response->mutable_datasets(1)->set_latest_version_hash("pop6");
  ASSERT_THAT(Pull({"--resume"}), IsOk());
  EXPECT_EQ(fake_.query_requests.size(), 2u);
}

TEST_F(PullCommandTest, UnreachableServerStopsBeforeAnyTable) {
  fake_.list_datasets_response = absl::UnavailableError("connection refused");
  EXPECT_THAT(Pull(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(fake_.query_requests.empty());
}

TEST_F(PullCommandTest, WorkbookHasASheetPerTableAndTheReleaseIdsOfAll) {
  ASSERT_THAT(Pull(), IsOk());
  const std::string dump = DumpXlsx(ReadTestFile(out_dir_ + "/bericht.xlsx"));
  EXPECT_THAT(dump, HasSubstr("sheet 1 \"abschluesse\"\n"));
  EXPECT_THAT(dump, HasSubstr("sheet 2 \"abschluesse_sex\"\n"));
  EXPECT_THAT(dump, HasSubstr("sheet 3 \"Release-IDs\"\n"));
  EXPECT_THAT(dump, HasSubstr("  B5 n 1234 fmt=\"#,##0\"\n"));
  EXPECT_THAT(dump, HasSubstr("  C5 s \".\" right\n"));
  // The pending table is listed with its reason, without a sheet.
  EXPECT_THAT(dump, HasSubstr("  B7 s \"Volkshochschule\"\n  M7 s \"Datensatz fehlt\"\n"));
  // libxlsxwriter's scratch files are gone; only the records stay.
  for (const auto& entry : std::filesystem::directory_iterator(out_dir_ + "/.pull")) {
    EXPECT_EQ(entry.path().extension(), ".pb") << entry.path();
  }
}

TEST_F(PullCommandTest, WorkbookNotesATableThatFailedNowBesideItsEarlierSheet) {
  ASSERT_THAT(Pull(), IsOk());
  fake_.query_handler = [](const v1::QueryRequest& r) -> absl::StatusOr<v1::QueryResponse> {
    if (r.query().group_by(1).dimension() == "sex") return absl::UnavailableError("server down");
    return PulledLeaversTable().response();
  };
  EXPECT_THAT(Pull(), StatusIs(absl::StatusCode::kUnavailable));
  const std::string dump = DumpXlsx(ReadTestFile(out_dir_ + "/bericht.xlsx"));
  EXPECT_THAT(dump, HasSubstr("sheet 2 \"abschluesse_sex\"\n"));
  EXPECT_THAT(dump, HasSubstr("  M6 s \"nicht abgerufen (server down)\"\n"));
}

TEST_F(PullCommandTest, WorkbookKeepsTablesPulledEarlierAndLeavesOutTablesWithoutXlsx) {
  std::string text = kManifest;
  // The second table asks for csv only.
  text.replace(text.find("    group_by { dimension: \"sex\" }"), 0, "    formats: \"csv\"\n");
  WriteTestFile(manifest_, text);
  ASSERT_THAT(Pull({"--tables", "abschluesse"}), IsOk());
  ASSERT_THAT(Pull({"--tables", "abschluesse_sex"}), IsOk());
  const std::string dump = DumpXlsx(ReadTestFile(out_dir_ + "/bericht.xlsx"));
  EXPECT_THAT(dump, HasSubstr("sheet 1 \"abschluesse\"\n"));
  EXPECT_THAT(dump, HasSubstr("sheet 2 \"Release-IDs\"\n"));
  EXPECT_THAT(dump, Not(HasSubstr("abschluesse_sex")));
}

TEST_F(PullCommandTest, ShowPrintsTheTableAlignedToTheWidthBeforeTheSummary) {
  ASSERT_THAT(Pull({"--show", "abschluesse", "--width", "40"}), IsOk());
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("\nSchulabgänger nach Abschlussart\n\n"
                             "             Anzahl\n"
                             "Abgangsjahr  Insgesamt  ohne Berufsreife\n"
                             "-----------  ---------  ----------------\n"
                             "2025             1.234                 .\n"));
  EXPECT_THAT(out, HasSubstr("Release-ID         rel-1\n"));
  EXPECT_LT(out.find("Zeichenerklärung"), out.find("2 written"));
  for (absl::string_view line : absl::StrSplit(out.substr(0, out.find("\ntable ")), '\n')) {
    EXPECT_LE(DisplayWidth(line), 40u) << line;
  }
}

TEST_F(PullCommandTest, ShowTakesTheWidthFromColumnsAndShowsAPendingTablesReason) {
  std::vector<std::string> args = {"pull", manifest_, "--out", out_dir_, "--show", "vhs,abschluesse"};
  absl::StatusOr<CommandLine> line =
      ParseCommandLine(args, [](const std::string& name) { return name == "COLUMNS" ? "200" : ""; });
  ASSERT_THAT(line, IsOk());
  ASSERT_THAT(RunPull(*line, fake_, out_, progress_), IsOk());
  EXPECT_THAT(out_.str(), HasSubstr("\nvhs: nicht verfügbar (Datensatz fehlt)\n"));
  // At 200 columns the whole table is one block.
  EXPECT_THAT(out_.str(), HasSubstr("Abgangsjahr  Insgesamt  ohne Berufsreife  Berufsreife  "
                                    "allgemeine Hochschulreife  Insgesamt"));
}

TEST_F(PullCommandTest, ShowWithResumeShowsTheRecordWithoutAskingAgain) {
  ASSERT_THAT(Pull(), IsOk());
  ASSERT_THAT(Pull({"--resume", "--show", "abschluesse_sex"}), IsOk());
  EXPECT_EQ(fake_.query_requests.size(), 2u);
  EXPECT_THAT(out_.str(), HasSubstr("Schulabgänger nach Geschlecht\n"));
}

TEST_F(PullCommandTest, BadShowOrWidthIsAUsageError) {
  EXPECT_THAT(Pull({"--show", "nope"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("flag --show names \"nope\", which is not a table of")));
  EXPECT_TRUE(IsUsageError(Pull({"--show", "abschluesse", "--width", "12"})));
  EXPECT_THAT(Pull({"--width", "breit"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("flag --width")));
  EXPECT_TRUE(fake_.query_requests.empty());
}

TEST_F(PullCommandTest, FormatsXlsxChecksTheSheetNamesOfEveryTableBeforeAnyCall) {
  std::string text = kManifest;
  text.replace(text.find("formats: [ \"csv\", \"csv-de\", \"json\", \"ffcsv\", \"html\", \"xlsx\" ]"),
               62, "formats: \"csv\"");
  for (const char* id : {"\"abschluesse\"", "\"abschluesse_sex\""}) {
    const std::string long_id = std::string("\"schulabgaenger_nach_abschlussart_") +
                                (std::string(id) == "\"abschluesse\"" ? "1\"" : "2\"");
    text.replace(text.find(std::string("id: ") + id), 4 + std::string(id).size(), "id: " + long_id);
  }
  WriteTestFile(manifest_, text);
  ASSERT_THAT(Pull({"--formats", "csv"}), IsOk());
  const absl::Status s = Pull({"--formats", "csv,xlsx"});
  EXPECT_TRUE(IsUsageError(s));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          AllOf(HasSubstr("cannot write --formats xlsx"),
                                HasSubstr("table \"schulabgaenger_nach_abschlussart_2\": field \"id\""))));
  EXPECT_EQ(fake_.query_requests.size(), 2u);  // from the first pull only
}

}  // namespace
}  // namespace cellgate::client
