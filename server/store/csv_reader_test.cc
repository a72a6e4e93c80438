#include "server/store/csv_reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::store {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;

struct Collected {
  std::vector<std::vector<std::string>> records;
  std::vector<int64_t> lines;
};

absl::Status ReadAll(const std::vector<std::string>& chunks, Collected& out, char delim = ',') {
  CsvReader reader("f.csv", delim, [&](const std::vector<absl::string_view>& fields, int64_t line) {
    out.records.emplace_back(fields.begin(), fields.end());
    out.lines.push_back(line);
    return absl::OkStatus();
  });
  for (const auto& c : chunks) {
    if (absl::Status s = reader.Feed(c); !s.ok()) return s;
  }
  return reader.Finish();
}

TEST(CsvReaderTest, ParsesQuotedFieldsAcrossChunksSplitAnywhere) {
  const std::string text = "a,\"b,\"\"x\"\"\nnext\",c\r\nd,\xC3\xBC,f\r\n";
  for (size_t split = 0; split <= text.size(); ++split) {
    Collected out;
    ASSERT_OK(ReadAll({text.substr(0, split), text.substr(split)}, out));
    ASSERT_EQ(out.records.size(), 2u) << split;
    EXPECT_THAT(out.records[0], ElementsAre("a", "b,\"x\"\nnext", "c"));
    EXPECT_THAT(out.records[1], ElementsAre("d", "\xC3\xBC", "f"));
    EXPECT_THAT(out.lines, ElementsAre(1, 3));
  }
}

// Lines without quotes that lie in one chunk are parsed in place, the rest
// byte by byte: every split gives the same records and lines.
TEST(CsvReaderTest, RecordsAndLinesDoNotDependOnWhereChunksSplit) {
  const std::string text = "id,name,n\nu1,plain,1\nu2,\"quo,ted\",2\nu3,,3\n\nu4,\"two\nlines\",4\nu5,x,5";
  Collected whole;
  ASSERT_OK(ReadAll({text}, whole));
  ASSERT_EQ(whole.records.size(), 6u);
  EXPECT_THAT(whole.records[2], ElementsAre("u2", "quo,ted", "2"));
  EXPECT_THAT(whole.records[3], ElementsAre("u3", "", "3"));
  EXPECT_THAT(whole.records[4], ElementsAre("u4", "two\nlines", "4"));
  EXPECT_THAT(whole.lines, ElementsAre(1, 2, 3, 4, 6, 8));
  for (size_t split = 0; split <= text.size(); ++split) {
    Collected out;
    ASSERT_OK(ReadAll({text.substr(0, split), text.substr(split)}, out));
    EXPECT_EQ(out.records, whole.records) << split;
    EXPECT_EQ(out.lines, whole.lines) << split;
  }
}

TEST(CsvReaderTest, ChecksRecordsParsedInPlaceLikeAnyOther) {
  Collected a, b;
  EXPECT_THAT(ReadAll({"a,b\nc\rd,e\n"}, a),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:2:1: bare carriage return"));
  CsvReader reader("f.csv", ',', [](const std::vector<absl::string_view>&, int64_t) {
    return absl::OkStatus();
  }, /*max_record_bytes=*/64, /*max_field_bytes=*/4);
  EXPECT_THAT(reader.Feed("ok,1\nlonger,2\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:2:1: field longer than 4 bytes"));
}

TEST(CsvReaderTest, StripsByteOrderMarkAndAcceptsMissingFinalNewline) {
  Collected out;
  ASSERT_OK(ReadAll({"\xEF\xBB\xBFx;y\n1;2"}, out, ';'));
  EXPECT_THAT(out.records, ElementsAre(ElementsAre("x", "y"), ElementsAre("1", "2")));
}

TEST(CsvReaderTest, RejectsMixedLineEndingsWithLine) {
  Collected out;
  EXPECT_THAT(ReadAll({"a\r\nb\nc\n"}, out),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:2:1: mixed line endings (CRLF and LF) in one file"));
}

TEST(CsvReaderTest, RejectsInvalidUtf8AndNul) {
  Collected a, b;
  EXPECT_THAT(ReadAll({"ok\n\xC3\x28\n"}, a),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:2:1: invalid UTF-8"));
  EXPECT_THAT(ReadAll({std::string("x\0y\n", 4)}, b),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:1:1: NUL byte"));
}

TEST(CsvReaderTest, RejectsUnbalancedAndStrayQuotesNamingTheColumn) {
  Collected a, b, c;
  EXPECT_THAT(ReadAll({"a,\"b\n"}, a),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:1:1: unbalanced quote at end of file"));
  EXPECT_THAT(ReadAll({"a,b\"c\n"}, b),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:1:2: quote inside an unquoted field"));
  EXPECT_THAT(ReadAll({"a,\"b\"c\n"}, c),
              StatusIs(absl::StatusCode::kInvalidArgument, "f.csv:1:2: characters after a closing quote"));
}

TEST(CsvReaderTest, BoundsRecordSize) {
  Collected out;
  EXPECT_THAT(ReadAll({std::string(70 * 1024, 'a') + "\n"}, out),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("record longer")));
}

}  // namespace
}  // namespace cellgate::store
