// The width of the terminal the client prints to, for views that wrap to
// it (`cellgate pull --show`): $COLUMNS if set (GlobalFlags::columns), else
// the window size of the output terminal (ioctl TIOCGWINSZ), else 80.
// Start with TerminalWidth. Thread-safe.
#ifndef CELLGATE_CLIENT_TERMINAL_WIDTH_H_
#define CELLGATE_CLIENT_TERMINAL_WIDTH_H_

namespace cellgate::client {

// The width used when nothing says otherwise (output to a file or pipe).
inline constexpr int kDefaultTerminalWidth = 80;

// Returns `columns` if it is greater than 0; else the width of the terminal
// open on `fd` if it is one and reports a width; else kDefaultTerminalWidth.
int TerminalWidth(int columns, int fd);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_TERMINAL_WIDTH_H_
