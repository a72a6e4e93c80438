// Inline SVG charts for the HTML report: bars over categories or lines over
// years, with gaps where a figure is withheld and the symbol written into
// the gap. No scripts, no fonts beyond the reader's sans-serif; every text
// is escaped. Start with ChartData. Thread-safe (pure functions).
#ifndef CELLGATE_CLIENT_EXPORT_SVG_CHART_H_
#define CELLGATE_CLIENT_EXPORT_SVG_CHART_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace cellgate::client {

// One point of a series: a figure, or a gap with its symbol (e.g. ".").
struct ChartPoint {
  std::optional<double> value;
  std::string symbol;  // shown in the gap; empty if value is set
};

struct ChartSeries {
  std::string label;
  std::vector<ChartPoint> points;  // one per category
};

struct ChartData {
  enum class Kind { kBar, kLine };
  Kind kind = Kind::kBar;
  std::string title;                    // for the SVG <title>
  std::vector<std::string> categories;  // x axis labels
  std::vector<ChartSeries> series;      // bars: the first series only
};

// Returns `text` with &, <, >, " and ' replaced by entities.
std::string HtmlEscape(absl::string_view text);

// Returns an <svg> element for `chart`. Empty categories give an SVG with
// "keine Daten".
std::string RenderSvgChart(const ChartData& chart);

}  // namespace cellgate::client

#endif  // CELLGATE_CLIENT_EXPORT_SVG_CHART_H_
