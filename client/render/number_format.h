// German number format for people: "." groups thousands, "," separates
// decimals ("1.234.567", "12,5", "-3.000,25"). Thread-safe.
#ifndef CELLGATE_CLIENT_RENDER_NUMBER_FORMAT_H_
#define CELLGATE_CLIENT_RENDER_NUMBER_FORMAT_H_

#include <cstdint>
#include <string>

namespace cellgate::client {

// Returns `value` rounded to `decimals` digits (0..9; clamped) in German
// format. A value that rounds to zero never shows a minus sign.
std::string FormatGermanNumber(double value, int decimals);

// Returns `value` with "." grouping thousands, e.g. "12.345".
std::string FormatGermanInteger(int64_t value);

// Returns `value` rounded to `decimals` digits with "." as decimal point and
// no grouping, trailing zeros kept ("12.50" for 2 decimals): the form for
// machine-readable output such as CSV.
std::string FormatPlainNumber(double value, int decimals);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_RENDER_NUMBER_FORMAT_H_
