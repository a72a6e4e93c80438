#include "client/export/terminal_view.h"

#include <string>

#include "client/testing/test_tables.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cellgate::client {
namespace {

using ::cellgate::client::testing::PulledLeaversTable;
using ::testing::HasSubstr;
using ::testing::Not;

ExportOptions Options(v1::SymbolSet symbols = v1::SYMBOL_SET_DIN_55301) {
  return {"bericht", "Bericht 2025", "Bildungsbüro", symbols};
}

TEST(TerminalViewTest, ShowsTitleTableFootnotesSourceAndLegend) {
  EXPECT_EQ(RenderTerminalView(PulledLeaversTable(), Options(), 80),
            "Schulabgänger nach Abschlussart\n"
            "\n"
            "             Anzahl\n"
            "Abgangsjahr  Insgesamt  ohne Berufsreife  Berufsreife  allgemeine Hochschulreife\n"
            "-----------  ---------  ----------------  -----------  -------------------------\n"
            "2025             1.234                 .            –                      1.100\n"
            "\n"
            "             Alter (Mittel)\n"
            "Abgangsjahr  Insgesamt  ohne Berufsreife  Berufsreife  allgemeine Hochschulreife\n"
            "-----------  ---------  ----------------  -----------  -------------------------\n"
            "2025              18,3                 .            x                          /\n"
            "\n"
            "Abgänger öffentlicher Schulen\n"
            "\n"
            "Quelle             Bildungsbüro\n"
            "Release-ID         rel-1\n"
            "Freigabeprotokoll  Eintrag 42\n"
            "Datensatz          abgang, Version 3 (abc123)\n"
            "Regelwerk          abgang-standard, Version 2\n"
            "\n"
            "Zeichenerklärung\n"
            "  –  nichts vorhanden (genau null)\n"
            "  .  Zahlenwert geheim zu halten (Schutz von Einzelangaben)\n"
            "  x  Tabellenfach gesperrt, weil Aussage nicht sinnvoll\n"
            "  /  keine Angabe, da Zahlenwert nicht sicher genug\n");
}

TEST(TerminalViewTest, LegendListsOnlySymbolsThatAppear) {
  v1::PulledTable pulled = PulledLeaversTable();
  for (v1::ReleasedCell& cell : *pulled.mutable_response()->mutable_table()->mutable_cells()) {
    for (v1::CellValue& value : *cell.mutable_values()) {
      if (value.status() != v1::SUPPRESSED) value.set_status(v1::PUBLISHED);
    }
  }
  const std::string text = RenderTerminalView(pulled, Options(), 80);
  EXPECT_THAT(text, HasSubstr("Zeichenerklärung\n  .  Zahlenwert geheim zu halten"));
  EXPECT_THAT(text, Not(HasSubstr("nichts vorhanden")));
  EXPECT_THAT(text, Not(HasSubstr("nicht sinnvoll")));
}

TEST(TerminalViewTest, LetterSymbolsAndTheirLegend) {
  const std::string text =
      RenderTerminalView(PulledLeaversTable(), Options(v1::SYMBOL_SET_LETTERS), 80);
  EXPECT_THAT(text, HasSubstr("2025             1.234                 g            k"));
  EXPECT_THAT(text, HasSubstr("  g  Zahlenwert geheim zu halten"));
}

TEST(TerminalViewTest, IndentsFinerHierarchyLevels) {
  v1::PulledTable pulled = PulledLeaversTable();
  v1::ReleasedTable& t = *pulled.mutable_response()->mutable_table();
  // Abgangsjahr across, Abschlussart down: BR under ohne_BR, one level deeper.
  t.mutable_axes()->SwapElements(0, 1);
  for (v1::ReleasedCell& cell : *t.mutable_cells()) cell.mutable_codes()->SwapElements(0, 1);
  t.mutable_axes(0)->mutable_entries(2)->set_parent(1);
  const std::string text = RenderTerminalView(pulled, Options(), 80);
  EXPECT_THAT(text, HasSubstr("\nohne Berufsreife   "));
  EXPECT_THAT(text, HasSubstr("\n  Berufsreife   "));
}

TEST(TerminalViewTest, NarrowWidthWrapsBlocksAndTheTitle) {
  const std::string text = RenderTerminalView(PulledLeaversTable(), Options(), 40);
  EXPECT_THAT(text, HasSubstr("Schulabgänger nach Abschlussart\n\n"
                              "             Anzahl\n"
                              "Abgangsjahr  Insgesamt  ohne Berufsreife\n"));
  EXPECT_THAT(text, HasSubstr("Abgangsjahr  Berufsreife\n"));
  EXPECT_THAT(text, HasSubstr("Abgangsjahr  allgemeine Hochschulreife\n"));
}

}  // namespace
}  // namespace cellgate::client
