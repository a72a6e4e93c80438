#!/usr/bin/env bash
# Enforces STYLE.md's layering: siblings never include each other, third-party
# headers stay in their modules, the client knows only proto, common and
# audit/verify. Usage: layering_test.sh SOURCE_DIR
set -uo pipefail
cd "$1"
fail=0
rule() { # folder, forbidden include regex, explanation
  local hits
  hits=$(grep -rnE "#include [\"<]($2)" "$1" --include='*.h' --include='*.cc' 2>/dev/null | grep -v '_test\.cc:')
  if [ -n "$hits" ]; then echo "FAIL: $3"; echo "$hits"; fail=1; else echo "ok: $3"; fi
}
rule common        'server/|policies/|audit/|client/|grpcpp/|sqlite3' "common/ depends on nothing of ours"
rule server/store  'server/engine/|server/pipeline/|policies/|audit/|grpcpp/' "store knows no sibling and no gRPC"
rule server/engine 'server/store/|server/pipeline/|policies/|audit/|grpcpp/|sqlite3|openssl/' "engine knows no sibling, gRPC, SQLite or OpenSSL"
rule policies      'server/|audit/|grpcpp/|sqlite3|openssl/' "policies know no store, engine, audit or gRPC"
rule audit         'server/|policies/|client/|grpcpp/|sqlite3' "audit knows no server, policies or gRPC"
rule audit/verify  'audit/audit_log|audit/log_file|server/|policies/' "audit/verify needs only the log format"
rule server/pipeline 'grpcpp/|server/service/|server/auth/' "pipeline is free of transport"
rule client        'server/|policies/|sqlite3|audit/audit_log' "client knows only proto, common and audit/verify"
# Third-party headers stay where STYLE.md puts them.
hits=$(grep -rlE '#include [<"]prometheus/' --include='*.h' --include='*.cc' . | grep -vE '^\./server/service/')
[ -z "$hits" ] && echo "ok: prometheus headers only in server/service" || { echo "FAIL: prometheus outside server/service: $hits"; fail=1; }
hits=$(grep -rlE '#include [<"]sqlite3\.h' --include='*.h' --include='*.cc' . | grep -vE '^\./(server/store|tests/bench)/')
[ -z "$hits" ] && echo "ok: sqlite3.h only in server/store (and the bench baseline)" || { echo "FAIL: sqlite3.h outside server/store: $hits"; fail=1; }
hits=$(grep -rlE '#include [<"]openssl/' --include='*.h' --include='*.cc' . | grep -vE '^\./(common/crypto|tests/testing)/')
[ -z "$hits" ] && echo "ok: OpenSSL headers only in common/crypto (and test PKI)" || { echo "FAIL: OpenSSL outside common/crypto: $hits"; fail=1; }
hits=$(grep -rlE '#include [<"]xlsxwriter' --include='*.h' --include='*.cc' . | grep -vE '^\./client/export/xlsx_export\.cc$')
[ -z "$hits" ] && echo "ok: libxlsxwriter only in client/export/xlsx_export.cc" || { echo "FAIL: libxlsxwriter outside client/export/xlsx_export.cc: $hits"; fail=1; }
exit $fail
