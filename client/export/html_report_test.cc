#include "client/export/html_report.h"

#include <string>

#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::AddCell;
using ::cellgate::client::testing::AddEntry;
using ::cellgate::client::testing::PulledLeaversTable;
using ::cellgate::client::testing::PulledShareTable;
using ::testing::HasSubstr;
using ::testing::Not;

ExportOptions Options() { return {"bericht", "Bericht 2025", "Bildungsbüro", v1::SYMBOL_SET_DIN_55301}; }

// Leavers over two years (2024 suppressed for ohne_BR), count only.
v1::PulledTable TwoYears() {
  v1::PulledTable pulled = PulledLeaversTable();
  v1::ReleasedTable& t = *pulled.mutable_response()->mutable_table();
  t.mutable_measures()->RemoveLast();
  t.clear_cells();
  v1::Axis& year = *t.mutable_axes(0);
  year.clear_entries();
  AddEntry(year, "2024", "2024", "abgangsjahr", -1);
  AddEntry(year, "2025", "2025", "abgangsjahr", -1);
  using S = v1::CellStatus;
  for (const char* y : {"2024", "2025"}) {
    const bool first = std::string(y) == "2024";
    AddCell(t, {y, "_T"}, {{S::PUBLISHED, first ? 1200.0 : 1234.0}});
    AddCell(t, {y, "ohne_BR"}, {{first ? S::SUPPRESSED : S::PUBLISHED, first ? 0.0 : 60.0}});
    AddCell(t, {y, "BR"}, {{S::ZERO, 0}});
    AddCell(t, {y, "AHR"}, {{S::PUBLISHED, 1100}});
  }
  return pulled;
}

TEST(HtmlReportTest, OneYearGivesBarsByTheDimensionWithGapsForWithheldCells) {
  std::string caption;
  std::optional<ChartData> chart = ChartOf(PulledLeaversTable(), v1::SYMBOL_SET_DIN_55301, caption);
  ASSERT_TRUE(chart.has_value());
  EXPECT_EQ(chart->kind, ChartData::Kind::kBar);
  EXPECT_THAT(chart->categories,
              ::testing::ElementsAre("ohne Berufsreife", "Berufsreife", "allgemeine Hochschulreife"));
  ASSERT_EQ(chart->series.size(), 1u);
  EXPECT_FALSE(chart->series[0].points[0].value.has_value());
  EXPECT_EQ(chart->series[0].points[0].symbol, ".");
  EXPECT_EQ(chart->series[0].points[1].symbol, "–");
  EXPECT_EQ(chart->series[0].points[2].value, 1100);
  EXPECT_EQ(caption, "Dargestellt: Anzahl; Abgangsjahr: 2025");
}

TEST(HtmlReportTest, SeveralYearsGiveOneLinePerEntry) {
  std::string caption;
  std::optional<ChartData> chart = ChartOf(TwoYears(), v1::SYMBOL_SET_DIN_55301, caption);
  ASSERT_TRUE(chart.has_value());
  EXPECT_EQ(chart->kind, ChartData::Kind::kLine);
  EXPECT_THAT(chart->categories, ::testing::ElementsAre("2024", "2025"));
  ASSERT_EQ(chart->series.size(), 3u);
  EXPECT_EQ(chart->series[0].label, "ohne Berufsreife");
  EXPECT_EQ(chart->series[0].points[0].symbol, ".");
  EXPECT_EQ(chart->series[0].points[1].value, 60);
  EXPECT_EQ(caption, "Dargestellt: Anzahl; Linien: Abschlussart");
}

TEST(HtmlReportTest, ChartNoneGivesNoChart) {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_table()->set_chart(v1::CHART_NONE);
  std::string caption;
  EXPECT_FALSE(ChartOf(pulled, v1::SYMBOL_SET_DIN_55301, caption).has_value());
}

TEST(HtmlReportTest, PageIsSelfContainedWithChartTableLegendAndProvenance) {
  const v1::PulledTable pulled = PulledLeaversTable();
  const std::string html = RenderHtmlReport({{pulled.table(), &pulled, ""}}, Options());
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<title>Bericht 2025</title>"));
  EXPECT_THAT(html, HasSubstr("<svg viewBox="));
  // The suppressed bar is a gap with its symbol.
  EXPECT_THAT(html, HasSubstr("<text class=\"gap\" x=\"170.7\" y=\"200.0\" text-anchor=\"middle\">.</text>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"sym\" title=\"suppressed\">.</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"n\">1.234</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"n\">18,3</td>"));
  EXPECT_THAT(html, HasSubstr("<b>.</b> Zahlenwert geheim zu halten"));
  EXPECT_THAT(html, HasSubstr("<dt>Release-ID</dt><dd>rel-1</dd>"));
  EXPECT_THAT(html, HasSubstr("<li>Abgänger öffentlicher Schulen</li>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("http")));
  EXPECT_THAT(html, Not(HasSubstr("@font-face")));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
}

TEST(HtmlReportTest, ShareColumnHasItsLabelOneDecimalAndSymbols) {
  const v1::PulledTable pulled = PulledShareTable();
  const std::string html = RenderHtmlReport({{pulled.table(), &pulled, ""}}, Options());
  // Pivoted: Schule across, count then share.
  EXPECT_THAT(html, HasSubstr("<th>Anteil mh = ja in %: Insgesamt</th>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"n\">1.234</td>"
                              "<td class=\"sym\" title=\"suppressed\">.</td>"
                              "<td class=\"sym\" title=\"zero\">–</td>"
                              "<td class=\"n\">600</td>"
                              "<td class=\"n\">33,3</td>"
                              "<td class=\"sym\" title=\"suppressed\">.</td>"
                              "<td class=\"sym\" title=\"not_applicable\">x</td>"
                              "<td class=\"n\">20,8</td>"));
}

TEST(HtmlReportTest, EscapesHostileTitlesLabelsAndFootnotes) {
  v1::PulledTable pulled = PulledLeaversTable();
  pulled.mutable_table()->set_title("<script>alert(1)</script>");
  pulled.mutable_table()->add_footnotes("\"><img onerror=x>");
  pulled.mutable_response()->mutable_table()->mutable_axes(1)->mutable_entries(3)->set_label(
      "A & B <b>'c'</b>");
  ExportOptions options = Options();
  options.manifest_title = "</title><script>x</script>";
  const std::string html = RenderHtmlReport({{pulled.table(), &pulled, ""}}, options);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("A &amp; B &lt;b&gt;&#39;c&#39;&lt;/b&gt;"));
  EXPECT_THAT(html, HasSubstr("&quot;&gt;&lt;img onerror=x&gt;"));
}

TEST(HtmlReportTest, MissingTableShowsItsReason) {
  v1::ManifestTable pending;
  pending.set_id("vhs");
  pending.set_title("VHS");
  const std::string html = RenderHtmlReport({{pending, nullptr, "Datensatz <fehlt>"}}, Options());
  EXPECT_THAT(html, HasSubstr("<section id=\"t-vhs\">\n<h2>1. VHS</h2>"));
  EXPECT_THAT(html, HasSubstr("<p class=\"missing\">Nicht verfügbar: Datensatz &lt;fehlt&gt;</p>"));
}

TEST(HtmlReportTest, LinesBreakAtWithheldPoints) {
  const std::string svg = RenderSvgChart({ChartData::Kind::kLine, "t", {"2023", "2024", "2025"},
                                          {{"a", {{10.0, ""}, {std::nullopt, "."}, {20.0, ""}}}}});
  // Two points, one gap, and no segment across the gap.
  size_t circles = 0;
  for (size_t at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 2u);
  EXPECT_THAT(svg, HasSubstr(">.</text>"));
  EXPECT_THAT(svg, Not(HasSubstr("<line x1")));
}

TEST(HtmlReportTest, LinesJoinNeighbouringPoints) {
  const std::string svg = RenderSvgChart(
      {ChartData::Kind::kLine, "t", {"2024", "2025"}, {{"a", {{10.0, ""}, {20.0, ""}}}}});
  EXPECT_THAT(svg, HasSubstr("<line x1=\"224.0\" y1=\"110.0\" x2=\"544.0\" y2=\"16.0\""));
}

}  // namespace
}  // namespace cellgate::client
