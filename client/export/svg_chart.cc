#include "client/export/svg_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client/render/number_format.h"

namespace cellgate::client {
namespace {

constexpr double kWidth = 720;
constexpr double kHeight = 300;
constexpr double kLeft = 64;
constexpr double kRight = 16;
constexpr double kTop = 16;
constexpr double kBottom = 96;  // room for slanted category labels
constexpr int kTicks = 4;
// Colours that stay apart for most colour-vision deficiencies.
constexpr const char* kPalette[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                    "#56b4e9", "#d55e00", "#f0e442", "#000000"};

double PlotWidth() { return kWidth - kLeft - kRight; }
double PlotHeight() { return kHeight - kTop - kBottom; }
double Baseline() { return kHeight - kBottom; }

// A round upper bound for the y axis: 1, 2 or 5 times a power of ten.
double NiceMax(double max) {
  if (max <= 0) return 1;
  const double magnitude = std::pow(10, std::floor(std::log10(max)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

double MaxValue(const ChartData& chart) {
  double max = 0;
  for (const ChartSeries& s : chart.series) {
    for (const ChartPoint& p : s.points) {
      if (p.value.has_value()) max = std::max(max, *p.value);
    }
  }
  return max;
}

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

// A figure for a tooltip: whole numbers without decimals.
std::string Figure(double v) { return FormatGermanNumber(v, v == std::floor(v) ? 0 : 1); }

std::string Axes(const ChartData& chart, double top) {
  std::string out;
  for (int i = 0; i <= kTicks; ++i) {
    const double value = top * i / kTicks;
    const double y = Baseline() - PlotHeight() * i / kTicks;
    absl::StrAppend(&out, "<line class=\"grid\" x1=\"", Num(kLeft), "\" y1=\"", Num(y),
                    "\" x2=\"", Num(kWidth - kRight), "\" y2=\"", Num(y), "\"/>",
                    "<text class=\"tick\" x=\"", Num(kLeft - 6), "\" y=\"", Num(y + 4),
                    "\" text-anchor=\"end\">", FormatGermanNumber(value, top < 10 ? 1 : 0),
                    "</text>\n");
  }
  const double step = PlotWidth() / chart.categories.size();
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const double x = kLeft + step * (c + 0.5);
    absl::StrAppend(&out, "<text class=\"cat\" transform=\"translate(", Num(x), ",",
                    Num(Baseline() + 14), ") rotate(-35)\" text-anchor=\"end\">",
                    HtmlEscape(chart.categories[c]), "</text>\n");
  }
  return out;
}

std::string Gap(double x, const std::string& symbol) {
  return absl::StrCat("<text class=\"gap\" x=\"", Num(x), "\" y=\"", Num(Baseline() - 4),
                      "\" text-anchor=\"middle\">", HtmlEscape(symbol), "</text>\n");
}

std::string Bars(const ChartData& chart, double top) {
  std::string out;
  if (chart.series.empty()) return out;
  const double step = PlotWidth() / chart.categories.size();
  const ChartSeries& s = chart.series[0];
  for (size_t c = 0; c < chart.categories.size() && c < s.points.size(); ++c) {
    const ChartPoint& p = s.points[c];
    const double x = kLeft + step * c;
    if (!p.value.has_value()) {
      absl::StrAppend(&out, Gap(x + step / 2, p.symbol));
      continue;
    }
    const double h = PlotHeight() * std::max(0.0, *p.value) / top;
    absl::StrAppend(&out, "<rect x=\"", Num(x + step * 0.15), "\" y=\"", Num(Baseline() - h),
                    "\" width=\"", Num(step * 0.7), "\" height=\"", Num(h), "\" fill=\"",
                    kPalette[0], "\"><title>", HtmlEscape(chart.categories[c]), ": ",
                    Figure(*p.value), "</title></rect>\n");
  }
  return out;
}

std::string Lines(const ChartData& chart, double top) {
  std::string out;
  const double step = PlotWidth() / chart.categories.size();
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const ChartSeries& s = chart.series[i];
    const char* color = kPalette[i % std::size(kPalette)];
    std::string path;  // a withheld point breaks the line
    for (size_t c = 0; c < chart.categories.size() && c < s.points.size(); ++c) {
      const double x = kLeft + step * (c + 0.5);
      if (!s.points[c].value.has_value()) {
        absl::StrAppend(&out, Gap(x, s.points[c].symbol));
        path.clear();
        continue;
      }
      const double y = Baseline() - PlotHeight() * std::max(0.0, *s.points[c].value) / top;
      if (!path.empty()) {
        absl::StrAppend(&out, "<line x1=\"", path, " x2=\"", Num(x), "\" y2=\"", Num(y),
                        "\" stroke=\"", color, "\" stroke-width=\"2\"/>\n");
      }
      path = absl::StrCat(Num(x), "\" y1=\"", Num(y), "\"");
      absl::StrAppend(&out, "<circle cx=\"", Num(x), "\" cy=\"", Num(y), "\" r=\"3\" fill=\"",
                      color, "\"><title>", HtmlEscape(s.label), ", ",
                      HtmlEscape(chart.categories[c]), ": ",
                      Figure(*s.points[c].value), "</title></circle>\n");
    }
  }
  return out;
}

std::string SeriesLegend(const ChartData& chart) {
  if (chart.kind != ChartData::Kind::kLine || chart.series.size() < 2) return "";
  std::string out;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const double y = kTop + 14 * i;
    absl::StrAppend(&out, "<rect x=\"", Num(kWidth - kRight - 180), "\" y=\"", Num(y),
                    "\" width=\"10\" height=\"10\" fill=\"", kPalette[i % std::size(kPalette)],
                    "\"/><text class=\"tick\" x=\"", Num(kWidth - kRight - 166), "\" y=\"",
                    Num(y + 9), "\">", HtmlEscape(chart.series[i].label), "</text>\n");
  }
  return out;
}

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string RenderSvgChart(const ChartData& chart) {
  std::string out = absl::StrCat("<svg viewBox=\"0 0 ",
                                 Num(kWidth), " ", Num(kHeight), "\" role=\"img\"><title>",
                                 HtmlEscape(chart.title), "</title>\n");
  if (chart.categories.empty()) {
    absl::StrAppend(&out, "<text x=\"", Num(kWidth / 2), "\" y=\"", Num(kHeight / 2),
                    "\" text-anchor=\"middle\">keine Daten</text></svg>");
    return out;
  }
  const double top = NiceMax(MaxValue(chart));
  absl::StrAppend(&out, Axes(chart, top));
  absl::StrAppend(&out, chart.kind == ChartData::Kind::kBar ? Bars(chart, top) : Lines(chart, top));
  absl::StrAppend(&out, SeriesLegend(chart), "</svg>");
  return out;
}

}  // namespace cellgate::client
