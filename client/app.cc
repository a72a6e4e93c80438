#include "client/app.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/commands/admin_commands.h"
#include "client/commands/audit_commands.h"
#include "client/commands/audit_review_commands.h"
#include "client/commands/backup_commands.h"
#include "client/commands/dataset_commands.h"
#include "client/commands/pull_command.h"
#include "client/commands/query_command.h"
#include "client/exit_codes.h"
#include "client/grpc_connection.h"
#include "common/files.h"
#include "common/status_macros.h"

namespace cellgate::client {
namespace {

// PEM files are small; anything larger is not a certificate or key.
constexpr int64_t kMaxPemBytes = 1 << 20;

constexpr char kUsage[] = R"(usage: cellgate [global flags] COMMAND [arguments and flags]

Commands:
  datasets                              list the datasets you may query
  describe DATASET                      columns, code lists, measures, versions
  query --dataset D --purpose P --legal-basis L [query flags]
                                        ask for a protected aggregate table
  pull MANIFEST --out DIR [--formats F,...] [--tables ID,...] [--symbols din|letters] [--resume]
                         [--show ID,...] [--width N]
                                        pull every table of a manifest and write it
                                        as csv, csv-de, json, ffcsv, an html report
                                        and an xlsx workbook
  admin create-dataset SCHEMA.textproto create a dataset (data steward)
  admin ingest DATASET FILE.csv --legal-basis L [--source-name NAME]
                                        load a CSV file as a new version
  admin versions DATASET                list the versions of a dataset
  admin rotate-key                      re-encrypt the store under a new key (data steward)
  admin backup DIR                      online backup of store and audit log into DIR
                                        (data steward)
  admin restore BACKUP TARGET [--pubkey PEM]
                                        check a backup and lay it out in TARGET for a
                                        server to start on (offline, no server needed)
  admin rotate-signing-key              replace the audit signing key, as a record (data steward)
  audit list [--from SEQ] [--limit N] [--type TYPE]... [--since TIME] [--until TIME]
             [--department D] [--principal P] [--dataset D] [--decision released|refused]
             [--purpose P]
                                        list audit records (DPO)
  audit show SEQ                        show one audit record (DPO)
  audit show SEQ --log DIR [--content-key FILE]
                                        show a record of an exported log, offline; the
                                        content key decrypts requester and table
  audit export DIR                      copy the log into DIR for offline verification (DPO)
  audit export FILE --format jsonl|csv [filters of audit list]
                                        one line or row per record, for review ("-": stdout)
  audit report --out FILE.html [filters of audit list] [--limit N] [--log DIR [--pubkey PEM]]
                                        the DPO's report page: charts, records, verification
  audit verify                          ask the server to verify its log (DPO)
  audit replay RELEASE_ID               re-run a past release and compare its digest (DPO)

Global flags (before or after the command):
  --server HOST:PORT  server address (default $CELLGATE_SERVER, else localhost:7443)
  --ca FILE           CA certificate that issued the server's certificate ($CELLGATE_CA)
  --cert FILE         your client certificate ($CELLGATE_CERT)
  --key FILE          your client private key ($CELLGATE_KEY)
  --plaintext         no TLS; development servers only
  --timeout SECONDS   deadline of every call (default 30)
  --help              this text

Query flags:
  --dataset D              dataset id (required)
  --version N              dataset version (default: the latest)
  --by DIM[:LEVEL][+]      group by a dimension, at a hierarchy level; "+" adds
                           the subtotals of the coarser levels (repeatable)
  --measure M              count | sum:COLUMN | mean:COLUMN (repeatable; default count)
  --filter DIM[:LEVEL]=C1,C2,...
                           keep only these codes (repeatable; combined with AND)
  --totals                 add "Insgesamt" totals to every grouping dimension
  --purpose P              purpose of the request (required)
  --legal-basis L          legal basis of the request (required)
  --justification TEXT     free text for the audit record
  --request-id ID          your own id, echoed in the audit record
  --format table|csv|json  output format (default table)

Pull flags:
  --out DIR                directory for the files (created if missing; required)
  --formats F,...          csv, csv-de, json, ffcsv, html, xlsx (default: the manifest's)
  --tables ID,...          pull only these tables of the manifest
  --symbols din|letters    symbols for withheld cells: DIN 55301 (default: . – x /)
                           or letter codes (g k x u)
  --resume                 skip tables already written from the same manifest
                           entry and dataset version
  --show ID,...            print these tables in the terminal after the pull
  --width N                terminal width for --show (default $COLUMNS, else the
                           terminal's, else 80)
  Progress goes to stderr, the summary to stdout; the exit code is that of the
  first failed table (the others are written all the same).

datasets, describe, admin versions, audit list, audit show and audit replay also accept
--format table|json.

Symbols in tables: "." suppressed to protect individuals, "–" zero (no
records), "x" not applicable, "/" unreliable.

Exit codes:
  0  success
  1  any other failure (e.g. an internal server error)
  2  usage error: bad flags or arguments, or a local file (certificate, key,
     schema, CSV) that cannot be read or parsed; nothing was sent
  3  connection or TLS failure: the server cannot be reached, rejected the
     certificate during the handshake, or did not answer in time
     (UNAVAILABLE, DEADLINE_EXCEEDED)
  4  authentication or permission: UNAUTHENTICATED, PERMISSION_DENIED
  5  bad request: INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS,
     FAILED_PRECONDITION, OUT_OF_RANGE

See docs/user-guide.md for examples.
)";

// Reads a PEM file and checks that it holds a block whose label ends in
// `label` ("CERTIFICATE", "PRIVATE KEY"), so that swapped or wrong files
// fail here with a clear message instead of deep inside the TLS stack. The
// message never quotes the content.
absl::StatusOr<std::string> ReadPem(absl::string_view flag, const std::string& path,
                                    absl::string_view label) {
  absl::StatusOr<std::string> pem = ReadFileBounded(path, kMaxPemBytes);
  if (!pem.ok()) {
    return AsUsageError(pem.status(), absl::StrCat("cannot read the --", flag, " file"));
  }
  if (!absl::StrContains(*pem, "-----BEGIN ") ||
      !absl::StrContains(*pem, absl::StrCat(label, "-----"))) {
    return UsageError(absl::StrCat("the --", flag, " file \"", path, "\" holds no PEM ",
                                   absl::AsciiStrToLower(label)));
  }
  return std::move(*pem);
}

absl::Status RunCommand(const CommandLine& line, Connection& connection, std::ostream& out,
                        std::ostream& err) {
  const std::string& c = line.command;
  if (c == "pull") return RunPull(line, connection, out, err);
  if (c == "datasets") return RunDatasets(line, connection, out);
  if (c == "describe") return RunDescribe(line, connection, out);
  if (c == "query") return RunQuery(line, connection, out);
  if (c == "admin create-dataset") return RunCreateDataset(line, connection, out);
  if (c == "admin ingest") return RunIngest(line, connection, out);
  if (c == "admin versions") return RunVersions(line, connection, out);
  if (c == "admin rotate-key") return RunRotateKey(line, connection, out);
  if (c == "admin backup") return RunBackup(line, connection, out);
  if (c == "admin rotate-signing-key") return RunRotateSigningKey(line, connection, out);
  if (c == "audit list") return RunAuditList(line, connection, out);
  if (c == "audit show") return RunAuditShow(line, connection, out);
  if (c == "audit export") return RunAuditExportAny(line, connection, out);
  if (c == "audit verify") return RunAuditVerify(line, connection, out);
  if (c == "audit report") return RunAuditReport(line, connection, out);
  if (c == "audit replay") return RunAuditReplay(line, connection, out);
  return absl::InternalError(absl::StrCat("command \"", c, "\" has no implementation"));
}

}  // namespace

std::string UsageText() { return kUsage; }

absl::StatusOr<ConnectionOptions> LoadConnectionOptions(const GlobalFlags& flags) {
  ConnectionOptions options;
  options.target = flags.server;
  options.plaintext = flags.plaintext;
  options.timeout_seconds = flags.timeout_seconds;
  if (flags.plaintext) return options;
  std::vector<std::string> missing;
  if (flags.ca_file.empty()) missing.push_back("--ca");
  if (flags.cert_file.empty()) missing.push_back("--cert");
  if (flags.key_file.empty()) missing.push_back("--key");
  if (!missing.empty()) {
    return UsageError(absl::StrCat("missing ", absl::StrJoin(missing, ", "),
                                   ": TLS needs --ca, --cert and --key (or $CELLGATE_CA, "
                                   "$CELLGATE_CERT, $CELLGATE_KEY); use --plaintext only for a "
                                   "development server"));
  }
  ASSIGN_OR_RETURN(options.ca_pem, ReadPem("ca", flags.ca_file, "CERTIFICATE"));
  ASSIGN_OR_RETURN(options.cert_pem, ReadPem("cert", flags.cert_file, "CERTIFICATE"));
  ASSIGN_OR_RETURN(options.key_pem, ReadPem("key", flags.key_file, "PRIVATE KEY"));
  return options;
}

absl::StatusOr<std::unique_ptr<Connection>> ConnectGrpc(const GlobalFlags& flags) {
  ASSIGN_OR_RETURN(const ConnectionOptions options, LoadConnectionOptions(flags));
  ASSIGN_OR_RETURN(std::unique_ptr<GrpcConnection> connection, GrpcConnection::Create(options));
  return std::unique_ptr<Connection>(std::move(connection));
}

int RunCli(const std::vector<std::string>& args, const EnvLookup& env,
           const ConnectionFactory& connect, std::ostream& out, std::ostream& err) {
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, env);
  if (!line.ok()) {
    err << FailureText(line.status(), "") << "cellgate: run \"cellgate --help\" for usage\n";
    return ExitCodeFor(line.status());
  }
  if (line->help) {
    out << UsageText();
    return kExitOk;
  }
  absl::Status status;
  if (line->command == "admin restore") {
    status = RunRestore(*line, out);  // offline: no server
  } else if (IsOfflineAuditCommand(*line)) {
    status = RunAuditShowOffline(*line, out);  // an exported log: no server
  } else {
    absl::StatusOr<std::unique_ptr<Connection>> connection = connect(line->global);
    status = connection.status();
    if (status.ok()) status = RunCommand(*line, **connection, out, err);
  }
  out.flush();
  if (status.ok()) return kExitOk;
  err << FailureText(status, line->global.server);
  return ExitCodeFor(status);
}

}  // namespace cellgate::client
