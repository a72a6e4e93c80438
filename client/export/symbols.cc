#include "client/export/symbols.h"

namespace cellgate::client {
namespace {

struct SymbolInfo {
  v1::CellStatus status;
  const char* din;
  const char* letter;
  const char* meaning;
};

// DIN 55301 order: zero, secret, not meaningful, not reliable.
constexpr SymbolInfo kSymbols[] = {
    {v1::ZERO, "–", "k", "nichts vorhanden (genau null)"},
    {v1::SUPPRESSED, ".", "g", "Zahlenwert geheim zu halten (Schutz von Einzelangaben)"},
    {v1::NOT_APPLICABLE, "x", "x", "Tabellenfach gesperrt, weil Aussage nicht sinnvoll"},
    {v1::UNRELIABLE, "/", "u", "keine Angabe, da Zahlenwert nicht sicher genug"},
};

}  // namespace

std::string CellSymbol(v1::CellStatus status, v1::SymbolSet set) {
  if (status == v1::PUBLISHED || status == v1::PERTURBED || status == v1::ROUNDED) return "";
  for (const SymbolInfo& info : kSymbols) {
    if (info.status == status) return set == v1::SYMBOL_SET_LETTERS ? info.letter : info.din;
  }
  return "?";
}

std::vector<LegendEntry> SymbolLegend(v1::SymbolSet set) {
  std::vector<LegendEntry> legend;
  for (const SymbolInfo& info : kSymbols) {
    legend.push_back({info.status, CellSymbol(info.status, set), info.meaning});
  }
  return legend;
}

std::string SymbolSetName(v1::SymbolSet set) {
  return set == v1::SYMBOL_SET_LETTERS ? "letters" : "din55301";
}

}  // namespace cellgate::client
