// A fresh temporary directory per test, removed with its content on
// destruction. TESTONLY; not thread-safe.
#ifndef CELLGATE_TESTS_TESTING_TEMP_DIR_H_
#define CELLGATE_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace cellgate::testing {

class TempDir {
 public:
  // Creates a directory under $TMPDIR (or /tmp); aborts if it cannot.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Returns path() + "/" + name.
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes `content` to `path` with `mode`; aborts on failure.
void WriteTestFile(const std::string& path, const std::string& content, unsigned mode = 0600);

// Returns the content of `path`; aborts on failure.
std::string ReadTestFile(const std::string& path);

}  // namespace cellgate::testing

#endif  // CELLGATE_TESTS_TESTING_TEMP_DIR_H_
