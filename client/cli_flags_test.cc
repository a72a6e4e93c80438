#include "client/cli_flags.h"

#include <map>
#include <string>
#include <vector>

#include "client/exit_codes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace cellgate::client {
namespace {

using ::cellgate::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

absl::StatusOr<CommandLine> Parse(std::vector<std::string> args,
                                  std::map<std::string, std::string> env = {}) {
  return ParseCommandLine(args, Env(std::move(env)));
}

// Expects a usage error (exit code 2) whose message contains `text`.
void ExpectUsageError(std::vector<std::string> args, const std::string& text) {
  const absl::StatusOr<CommandLine> line = Parse(std::move(args));
  EXPECT_THAT(line, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(text)));
  EXPECT_TRUE(IsUsageError(line.status()));
}

TEST(CliFlagsTest, ParsesGlobalFlagsBeforeAndAfterTheCommand) {
  ASSERT_OK_AND_ASSIGN(CommandLine line,
                       Parse({"--server", "db.example:9000", "--ca", "ca.pem", "datasets", "--cert",
                              "me.pem", "--key=me.key", "--timeout", "5"}));
  EXPECT_EQ(line.command, "datasets");
  EXPECT_EQ(line.global.server, "db.example:9000");
  EXPECT_EQ(line.global.ca_file, "ca.pem");
  EXPECT_EQ(line.global.cert_file, "me.pem");
  EXPECT_EQ(line.global.key_file, "me.key");
  EXPECT_EQ(line.global.timeout_seconds, 5);
  EXPECT_FALSE(line.global.plaintext);
}

TEST(CliFlagsTest, DefaultsComeFromTheEnvironmentThenBuiltIn) {
  ASSERT_OK_AND_ASSIGN(CommandLine from_env, Parse({"datasets"}, {{"CELLGATE_SERVER", "env:1"},
                                                                  {"CELLGATE_CA", "env-ca.pem"},
                                                                  {"CELLGATE_CERT", "env-cert.pem"},
                                                                  {"CELLGATE_KEY", "env.key"}}));
  EXPECT_EQ(from_env.global.server, "env:1");
  EXPECT_EQ(from_env.global.ca_file, "env-ca.pem");
  EXPECT_EQ(from_env.global.cert_file, "env-cert.pem");
  EXPECT_EQ(from_env.global.key_file, "env.key");
  ASSERT_OK_AND_ASSIGN(CommandLine built_in, Parse({"datasets"}));
  EXPECT_EQ(built_in.global.server, "localhost:7443");
  EXPECT_EQ(built_in.global.timeout_seconds, 30);
  EXPECT_EQ(built_in.global.ca_file, "");
}

TEST(CliFlagsTest, FlagWinsOverEnvironment) {
  ASSERT_OK_AND_ASSIGN(CommandLine line,
                       Parse({"--server", "flag:2", "--key", "flag.key", "datasets"},
                             {{"CELLGATE_SERVER", "env:1"}, {"CELLGATE_KEY", "env.key"}}));
  EXPECT_EQ(line.global.server, "flag:2");
  EXPECT_EQ(line.global.key_file, "flag.key");
}

TEST(CliFlagsTest, PlaintextIsASwitch) {
  ASSERT_OK_AND_ASSIGN(CommandLine line, Parse({"datasets", "--plaintext"}));
  EXPECT_TRUE(line.global.plaintext);
}

TEST(CliFlagsTest, KeepsRepeatedFlagsInOrder) {
  ASSERT_OK_AND_ASSIGN(
      CommandLine line,
      Parse({"query", "--dataset", "schule", "--by", "stadtteil:sozialraum+", "--by", "sex",
             "--filter", "schuljahr=2025/26", "--totals", "--purpose", "p", "--legal-basis", "l"}));
  EXPECT_EQ(line.command, "query");
  EXPECT_THAT(line.Values("by"), ElementsAre("stadtteil:sozialraum+", "sex"));
  EXPECT_THAT(line.Values("filter"), ElementsAre("schuljahr=2025/26"));
  EXPECT_TRUE(line.Has("totals"));
  EXPECT_FALSE(line.Has("justification"));
  EXPECT_EQ(line.Value("dataset"), "schule");
  EXPECT_EQ(line.Value("format", "table"), "table");
}

TEST(CliFlagsTest, ParsesGroupCommandsWithPositionalArguments) {
  ASSERT_OK_AND_ASSIGN(CommandLine line, Parse({"admin", "ingest", "schule", "data/s.csv",
                                                "--legal-basis", "bdsg_3"}));
  EXPECT_EQ(line.command, "admin ingest");
  EXPECT_THAT(line.args, ElementsAre("schule", "data/s.csv"));
  EXPECT_EQ(line.Value("legal-basis"), "bdsg_3");
}

TEST(CliFlagsTest, DoubleDashEndsTheFlags) {
  ASSERT_OK_AND_ASSIGN(CommandLine line, Parse({"describe", "--", "--odd-name"}));
  EXPECT_THAT(line.args, ElementsAre("--odd-name"));
}

TEST(CliFlagsTest, HelpSkipsAllOtherChecks) {
  ASSERT_OK_AND_ASSIGN(CommandLine line, Parse({"query", "--help"}));
  EXPECT_TRUE(line.help);
  ASSERT_OK_AND_ASSIGN(CommandLine short_form, Parse({"-h"}));
  EXPECT_TRUE(short_form.help);
  ASSERT_OK_AND_ASSIGN(CommandLine despite_errors, Parse({"--bogus", "admin", "--help"}));
  EXPECT_TRUE(despite_errors.help);
}

TEST(CliFlagsTest, UnknownFlagIsAUsageErrorNamingIt) {
  ExpectUsageError(
      {"query", "--dataset", "d", "--purpose", "p", "--legal-basis", "l", "--colour", "red"},
      "unknown flag \"--colour\" for \"query\"");
  ExpectUsageError({"--by", "sex", "query"}, "unknown flag \"--by\"");
  ExpectUsageError({"-x", "datasets"}, "unknown flag \"-x\"");
}

TEST(CliFlagsTest, MissingValueNamesTheFlag) {
  ExpectUsageError({"datasets", "--server"}, "flag --server needs a value");
  ExpectUsageError({"query", "--dataset", "--by", "sex"}, "flag --dataset needs a value");
}

TEST(CliFlagsTest, SwitchWithAValueIsAnError) {
  ExpectUsageError({"datasets", "--plaintext=yes"}, "flag --plaintext takes no value");
}

TEST(CliFlagsTest, SingleFlagGivenTwiceIsAnError) {
  ExpectUsageError({"query", "--dataset", "a", "--dataset", "b"}, "flag --dataset given twice");
  ExpectUsageError({"--server", "a:1", "--server", "b:1", "datasets"}, "flag --server given twice");
}

TEST(CliFlagsTest, UnknownOrIncompleteCommandIsAnError) {
  ExpectUsageError({"download"}, "unknown command \"download\"");
  ExpectUsageError({"admin", "drop"}, "unknown command \"admin drop\"");
  ExpectUsageError({"admin"}, "\"admin\" needs a subcommand");
  ExpectUsageError({"audit"}, "\"audit\" needs a subcommand");
  ExpectUsageError({}, "missing command");
}

TEST(CliFlagsTest, PositionalArgumentsAreCounted) {
  ExpectUsageError({"describe"}, "\"describe\" needs DATASET");
  ExpectUsageError({"admin", "ingest", "schule", "--legal-basis", "l"}, "missing FILE.csv");
  ExpectUsageError({"datasets", "extra"}, "unexpected argument \"extra\"");
}

TEST(CliFlagsTest, RequiredFlagsAreChecked) {
  ExpectUsageError({"query", "--dataset", "d", "--legal-basis", "l"}, "\"query\" needs --purpose");
  ExpectUsageError({"admin", "ingest", "d", "f.csv"}, "\"admin ingest\" needs --legal-basis");
}

TEST(CliFlagsTest, TimeoutMustBeWholePositiveSeconds) {
  ExpectUsageError({"datasets", "--timeout", "0"}, "flag --timeout has a bad value \"0\"");
  ExpectUsageError({"datasets", "--timeout", "1.5"}, "flag --timeout has a bad value \"1.5\"");
}

TEST(CliFlagsTest, ColumnsComeFromTheEnvironmentWhenAWholeNumber) {
  ASSERT_OK_AND_ASSIGN(CommandLine wide, Parse({"datasets"}, {{"COLUMNS", "132"}}));
  EXPECT_EQ(wide.global.columns, 132);
  for (const char* bad : {"", "wide", "-5", "0", "80x"}) {
    ASSERT_OK_AND_ASSIGN(CommandLine line, Parse({"datasets"}, {{"COLUMNS", bad}}));
    EXPECT_EQ(line.global.columns, 0) << bad;
  }
}

}  // namespace
}  // namespace cellgate::client
