#include "client/terminal_width.h"

#include <fcntl.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace cellgate::client {
namespace {

TEST(TerminalWidthTest, ColumnsWin) { EXPECT_EQ(TerminalWidth(132, STDOUT_FILENO), 132); }

TEST(TerminalWidthTest, NotATerminalGivesTheDefault) {
  cellgate::testing::TempDir dir;
  const int fd = ::open(dir.File("out.txt").c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(TerminalWidth(0, fd), kDefaultTerminalWidth);
  ::close(fd);
  EXPECT_EQ(TerminalWidth(-1, -1), kDefaultTerminalWidth);
}

}  // namespace
}  // namespace cellgate::client
