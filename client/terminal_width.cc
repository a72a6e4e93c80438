#include "client/terminal_width.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace cellgate::client {

int TerminalWidth(int columns, int fd) {
  if (columns > 0) return columns;
  struct winsize size = {};
  if (::isatty(fd) == 1 && ::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return kDefaultTerminalWidth;
}

}  // namespace cellgate::client
