#include "client/cli_flags.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/exit_codes.h"
#include "common/status_macros.h"

namespace cellgate::client {
namespace {

struct FlagSpec {
  absl::string_view name;
  bool takes_value = true;
  bool repeatable = false;
  bool required = false;
};

struct CommandSpec {
  absl::string_view name;               // "query", "admin ingest", ...
  std::vector<absl::string_view> args;  // names of the positional arguments
  std::vector<FlagSpec> flags;
};

constexpr FlagSpec kFormat{.name = "format"};

// The record filters of `audit list`, `audit export` and `audit report`.
std::vector<FlagSpec> WithRecordFilters(std::vector<FlagSpec> flags) {
  for (absl::string_view name :
       {"from", "since", "until", "department", "principal", "dataset", "decision", "purpose"}) {
    flags.push_back({.name = name});
  }
  flags.push_back({.name = "type", .repeatable = true});
  return flags;
}

const std::vector<CommandSpec>& Commands() {
  static const auto* commands = new std::vector<CommandSpec>{
      {"datasets", {}, {kFormat}},
      {"describe", {"DATASET"}, {kFormat}},
      {"query",
       {},
       {{.name = "dataset", .required = true},
        {.name = "version"},
        {.name = "by", .repeatable = true},
        {.name = "measure", .repeatable = true},
        {.name = "filter", .repeatable = true},
        {.name = "denominator-filter", .repeatable = true},
        {.name = "totals", .takes_value = false},
        {.name = "purpose", .required = true},
        {.name = "legal-basis", .required = true},
        {.name = "channel"},
        {.name = "justification"},
        {.name = "request-id"},
        kFormat}},
      {"pull",
       {"MANIFEST"},
       {{.name = "out", .required = true},
        {.name = "formats"},
        {.name = "tables"},
        {.name = "symbols"},
        {.name = "resume", .takes_value = false},
        {.name = "show"},
        {.name = "width"}}},
      {"admin create-dataset", {"SCHEMA.textproto"}, {}},
      {"admin ingest",
       {"DATASET", "FILE.csv"},
       {{.name = "legal-basis", .required = true}, {.name = "source-name"}}},
      {"admin versions", {"DATASET"}, {kFormat}},
      {"admin rotate-key", {}, {kFormat}},
      {"admin backup", {"DIR"}, {}},
      {"admin restore", {"BACKUP", "TARGET"}, {{.name = "pubkey"}}},
      {"admin rotate-signing-key", {}, {kFormat}},
      {"audit list",
       {},
       {{.name = "from"},
        {.name = "limit"},
        {.name = "type", .repeatable = true},
        {.name = "since"},
        {.name = "until"},
        {.name = "department"},
        {.name = "principal"},
        {.name = "dataset"},
        {.name = "decision"},
        {.name = "purpose"},
        kFormat}},
      {"audit show", {"SEQ"}, {kFormat, {.name = "log"}, {.name = "content-key"}}},
      {"audit export", {"OUT"}, WithRecordFilters({kFormat})},
      {"audit verify", {}, {}},
      {"audit replay", {"RELEASE_ID"}, {kFormat}},
      {"audit report",
       {},
       WithRecordFilters({{.name = "out", .required = true},
                          {.name = "limit"},
                          {.name = "log"},
                          {.name = "pubkey"}})},
  };
  return *commands;
}

const std::vector<FlagSpec>& GlobalSpecs() {
  static const auto* specs = new std::vector<FlagSpec>{{.name = "server"},
                                                       {.name = "ca"},
                                                       {.name = "cert"},
                                                       {.name = "key"},
                                                       {.name = "plaintext", .takes_value = false},
                                                       {.name = "timeout"},
                                                       {.name = "help", .takes_value = false}};
  return *specs;
}

const FlagSpec* FindFlag(const std::vector<FlagSpec>& specs, absl::string_view name) {
  for (const FlagSpec& spec : specs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

const CommandSpec* FindCommand(absl::string_view name) {
  for (const CommandSpec& spec : Commands()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// Walks the arguments once, left to right.
class Parser {
 public:
  explicit Parser(const std::vector<std::string>& args) : args_(args) {}

  absl::StatusOr<CommandLine> Run(const EnvLookup& env);

 private:
  absl::Status ParseFlag(absl::string_view arg);
  absl::Status StoreFlag(const FlagSpec& spec, bool global, std::string value);
  absl::Status ParseWord(const std::string& word);
  absl::Status CheckComplete() const;
  absl::Status ApplyGlobals(const EnvLookup& env);

  const std::vector<std::string>& args_;
  size_t next_ = 0;
  std::string group_;  // "admin" or "audit" while its subcommand is pending
  const CommandSpec* command_ = nullptr;
  std::map<std::string, std::string> globals_;
  CommandLine result_;
};

absl::StatusOr<CommandLine> Parser::Run(const EnvLookup& env) {
  // --help wins over any error elsewhere on the line.
  for (const std::string& arg : args_) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") {
      result_.help = true;
      return std::move(result_);
    }
  }
  bool only_words = false;
  while (next_ < args_.size()) {
    const std::string& arg = args_[next_++];
    if (!only_words && arg == "--") {
      only_words = true;
    } else if (!only_words && arg.size() > 1 && arg[0] == '-') {
      RETURN_IF_ERROR(ParseFlag(arg));
    } else {
      RETURN_IF_ERROR(ParseWord(arg));
    }
  }
  RETURN_IF_ERROR(CheckComplete());
  RETURN_IF_ERROR(ApplyGlobals(env));
  return std::move(result_);
}

absl::Status Parser::ParseFlag(absl::string_view arg) {
  if (arg == "-h") arg = "--help";
  if (!absl::StartsWith(arg, "--")) return UsageError(absl::StrCat("unknown flag \"", arg, "\""));
  absl::string_view name = arg.substr(2);
  std::string value;
  bool inline_value = false;
  if (const size_t eq = name.find('='); eq != absl::string_view::npos) {
    value = std::string(name.substr(eq + 1));
    name = name.substr(0, eq);
    inline_value = true;
  }
  const FlagSpec* spec = FindFlag(GlobalSpecs(), name);
  const bool global = spec != nullptr;
  if (spec == nullptr && command_ != nullptr) spec = FindFlag(command_->flags, name);
  if (spec == nullptr) {
    if (command_ == nullptr) {
      return UsageError(
          absl::StrCat("unknown flag \"--", name, "\" (command flags follow the command)"));
    }
    return UsageError(absl::StrCat("unknown flag \"--", name, "\" for \"", command_->name, "\""));
  }
  if (!spec->takes_value && inline_value) {
    return UsageError(absl::StrCat("flag --", name, " takes no value"));
  }
  if (spec->takes_value && !inline_value) {
    if (next_ >= args_.size() || absl::StartsWith(args_[next_], "--")) {
      return UsageError(absl::StrCat("flag --", name, " needs a value"));
    }
    value = args_[next_++];
  }
  return StoreFlag(*spec, global, std::move(value));
}

absl::Status Parser::StoreFlag(const FlagSpec& spec, bool global, std::string value) {
  const std::string name(spec.name);
  if (global) {
    if (name == "plaintext") {
      result_.global.plaintext = true;
    } else if (!globals_.emplace(name, std::move(value)).second) {
      return UsageError(absl::StrCat("flag --", name, " given twice"));
    }
    return absl::OkStatus();
  }
  std::vector<std::string>& values = result_.flags[name];
  if (!values.empty() && !spec.repeatable) {
    return UsageError(absl::StrCat("flag --", name, " given twice"));
  }
  values.push_back(std::move(value));
  return absl::OkStatus();
}

absl::Status Parser::ParseWord(const std::string& word) {
  if (command_ != nullptr) {
    result_.args.push_back(word);
    return absl::OkStatus();
  }
  if (group_.empty() && (word == "admin" || word == "audit")) {
    group_ = word;
    return absl::OkStatus();
  }
  const std::string name = group_.empty() ? word : absl::StrCat(group_, " ", word);
  command_ = FindCommand(name);
  if (command_ == nullptr) return UsageError(absl::StrCat("unknown command \"", name, "\""));
  result_.command = name;
  return absl::OkStatus();
}

absl::Status Parser::CheckComplete() const {
  if (command_ == nullptr && group_ == "admin") {
    return UsageError("\"admin\" needs a subcommand: create-dataset, ingest or versions");
  }
  if (command_ == nullptr && group_ == "audit") {
    return UsageError(
        "\"audit\" needs a subcommand: list, show, verify, export, report or replay");
  }
  if (command_ == nullptr) {
    return UsageError("missing command: datasets, describe, query, pull, admin or audit");
  }
  const std::vector<absl::string_view>& names = command_->args;
  if (result_.args.size() < names.size()) {
    return UsageError(absl::StrCat("\"", command_->name, "\" needs ", absl::StrJoin(names, " "),
                                   ", missing ", names[result_.args.size()]));
  }
  if (result_.args.size() > names.size()) {
    return UsageError(absl::StrCat("\"", command_->name, "\" got an unexpected argument \"",
                                   result_.args[names.size()], "\""));
  }
  for (const FlagSpec& spec : command_->flags) {
    if (spec.required && !result_.Has(std::string(spec.name))) {
      return UsageError(absl::StrCat("\"", command_->name, "\" needs --", spec.name));
    }
  }
  return absl::OkStatus();
}

absl::Status Parser::ApplyGlobals(const EnvLookup& env) {
  auto pick = [&](const std::string& flag, const std::string& variable,
                  const std::string& fallback) {
    if (auto it = globals_.find(flag); it != globals_.end()) return it->second;
    std::string from_env = env ? env(variable) : "";
    return from_env.empty() ? fallback : from_env;
  };
  GlobalFlags& g = result_.global;
  g.server = pick("server", "CELLGATE_SERVER", "localhost:7443");
  g.ca_file = pick("ca", "CELLGATE_CA", "");
  g.cert_file = pick("cert", "CELLGATE_CERT", "");
  g.key_file = pick("key", "CELLGATE_KEY", "");
  if (g.server.empty()) return UsageError("flag --server has an empty value");
  if (int32_t columns = 0; env && absl::SimpleAtoi(env("COLUMNS"), &columns) && columns > 0) {
    g.columns = columns;
  }
  if (auto it = globals_.find("timeout"); it != globals_.end()) {
    int32_t seconds = 0;
    if (!absl::SimpleAtoi(it->second, &seconds) || seconds <= 0) {
      return UsageError(absl::StrCat("flag --timeout has a bad value \"", it->second,
                                     "\": expected whole seconds greater than 0"));
    }
    g.timeout_seconds = seconds;
  }
  return absl::OkStatus();
}

}  // namespace

std::string CommandLine::Value(const std::string& name, const std::string& fallback) const {
  auto it = flags.find(name);
  return it == flags.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> CommandLine::Values(const std::string& name) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                             const EnvLookup& env) {
  return Parser(args).Run(env);
}

}  // namespace cellgate::client
