// Reads an xlsx workbook back for tests: writes its bytes to a file and runs
// client/testdata/xlsx_dump.py (Python standard library: zipfile and
// xml.etree) on it, which prints every sheet, merged range, link and cell
// with its type, value and number format, one per line. TESTONLY; needs
// the compile definitions CELLGATE_REPO_DIR and CELLGATE_PYTHON3.
#ifndef CELLGATE_CLIENT_TESTING_XLSX_DUMP_H_
#define CELLGATE_CLIENT_TESTING_XLSX_DUMP_H_

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "tests/testing/temp_dir.h"

namespace cellgate::client::testing {

// Returns the dump of the workbook `bytes`, or "xlsx_dump.py failed: ..."
// with its exit status if it cannot be read.
inline std::string DumpXlsx(const std::string& bytes) {
  cellgate::testing::TempDir dir;
  const std::string file = dir.File("workbook.xlsx");
  cellgate::testing::WriteTestFile(file, bytes);
  const std::string command = std::string("'") + CELLGATE_PYTHON3 + "' '" + CELLGATE_REPO_DIR +
                              "/client/testdata/xlsx_dump.py' '" + file + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return "xlsx_dump.py failed: cannot start it";
  std::string out;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "xlsx_dump.py failed (status " + std::to_string(status) + "): " + out;
  }
  return out;
}

}  // namespace cellgate::client::testing

#endif  // CELLGATE_CLIENT_TESTING_XLSX_DUMP_H_
