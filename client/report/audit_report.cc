#include "client/report/audit_report.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "client/export/svg_chart.h"
#include "client/render/number_format.h"
#include "common/crypto/sha256.h"

namespace cellgate::client {
namespace {

// Lines beyond this many groups would be unreadable; the rest are summed.
constexpr size_t kMaxGroups = 7;
// Up to this many days the charts count per day, beyond it per month.
constexpr int kMaxDailyBuckets = 62;

constexpr char kStyle[] =
    "body{font-family:sans-serif;margin:2em auto;max-width:72em;color:#222;padding:0 1em}"
    "h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2.5em;border-top:1px solid #ccc;"
    "padding-top:1em}h3{font-size:1em}"
    "svg{width:100%;height:auto;max-width:720px}svg text{font-size:11px;fill:#333}"
    "svg .grid{stroke:#ddd}svg .gap{fill:#b00;font-weight:bold;font-size:13px}"
    "table{border-collapse:collapse;font-size:.8em;margin:.5em 0}"
    "th,td{border:1px solid #ccc;padding:.15em .4em;vertical-align:top;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "code{font-size:.9em;word-break:break-all}small{color:#555}"
    "dl.meta{display:grid;grid-template-columns:max-content auto;gap:0 1em;font-size:.85em}"
    "dl.meta dd{margin:0}"
    "#pruefung.ok{border-left:6px solid #2a7d2a;padding-left:1em}"
    "#pruefung.bad{border-left:6px solid #b00;padding-left:1em}"
    "#pruefung .verdict{font-weight:bold}#pruefung.bad .verdict{color:#b00}"
    "#suche{font-size:1em;padding:.3em;width:24em;max-width:100%}"
    "tr.refused td{background:#fff4f4}.caption,.notes{font-size:.85em;color:#555}";

// Filters the record list as the reader types. Reads the DOM only; the
// records are never embedded as data.
constexpr char kScript[] =
    "(function(){var q=document.getElementById('suche');"
    "var rows=Array.prototype.slice.call(document.querySelectorAll('#eintraege tbody tr'));"
    "var texts=rows.map(function(r){return r.textContent.toLowerCase();});"
    "var hits=document.getElementById('treffer');"
    "function filter(){var t=q.value.trim().toLowerCase(),n=0;"
    "for(var i=0;i<rows.length;i++){var m=!t||texts[i].indexOf(t)>=0;rows[i].hidden=!m;"
    "if(m)n++;}"
    "hits.textContent=n+' von '+rows.length+' Eintr\\u00e4gen angezeigt';}"
    "q.addEventListener('input',filter);filter();})();";

// A CSP source for exactly `text` (an inline script or style).
std::string CspHash(absl::string_view text) {
  return absl::StrCat("'sha256-", absl::Base64Escape(crypto::DigestBytes(crypto::Sha256(text))),
                      "'");
}

std::string Or(const std::string& text, absl::string_view fallback) {
  return text.empty() ? std::string(fallback) : text;
}

std::string DatasetText(const v1::AuditRecord& r) {
  if (r.dataset().empty()) return "";
  return r.dataset_version() == 0 ? r.dataset() : absl::StrCat(r.dataset(), "@", r.dataset_version());
}

std::string Count(int64_t n) { return FormatGermanInteger(n); }

std::string DecisionLabel(v1::Decision d) {
  switch (d) {
    case v1::RELEASED:
      return "freigegeben";
    case v1::REFUSED:
      return "abgelehnt";
    default:
      return "";
  }
}

// "2026-11-22" -> "22.11.2026", "2026-11" -> "11/2026".
std::string BucketLabel(const std::string& bucket) {
  if (bucket.size() == 10) {
    return absl::StrCat(bucket.substr(8, 2), ".", bucket.substr(5, 2), ".", bucket.substr(0, 4));
  }
  if (bucket.size() == 7) return absl::StrCat(bucket.substr(5, 2), "/", bucket.substr(0, 4));
  return bucket;
}

// Every bucket from the first day to the last, with no gaps: days, or
// months when the span is longer than kMaxDailyBuckets days.
std::vector<std::string> Buckets(const std::string& first, const std::string& last,
                                 bool& monthly) {
  absl::CivilDay from, to;
  monthly = false;
  if (!absl::ParseCivilTime(first.substr(0, 10), &from) ||
      !absl::ParseCivilTime(last.substr(0, 10), &to) || to < from) {
    return {};
  }
  std::vector<std::string> out;
  if (to - from < kMaxDailyBuckets) {
    for (absl::CivilDay d = from; d <= to; ++d) out.push_back(absl::FormatCivilTime(d));
    return out;
  }
  monthly = true;
  for (absl::CivilMonth m(from); m <= absl::CivilMonth(to); ++m) {
    out.push_back(absl::FormatCivilTime(m));
  }
  return out;
}

std::string BucketOf(const std::string& day, bool monthly) {
  return monthly ? day.substr(0, 7) : day;
}

struct GroupTotal {
  std::string name;
  int64_t released = 0;
  int64_t refused = 0;
};

// Groups by volume, largest first (ties by name).
template <typename SeriesMap>
std::vector<GroupTotal> Totals(const SeriesMap& series) {
  std::vector<GroupTotal> out;
  for (const auto& [group, days] : series) {
    GroupTotal t{group};
    for (const auto& [day, tally] : days) {
      t.released += tally.released;
      t.refused += tally.refused;
    }
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const GroupTotal& a, const GroupTotal& b) {
    const int64_t x = a.released + a.refused, y = b.released + b.refused;
    return x != y ? x > y : a.name < b.name;
  });
  return out;
}

std::string GroupLabel(const std::string& group) { return group.empty() ? "(ohne Angabe)" : group; }

std::string Chart(const ChartData& chart, const std::string& caption) {
  return absl::StrCat("<figure>", RenderSvgChart(chart), "<figcaption class=\"caption\">",
                      HtmlEscape(caption), "</figcaption></figure>\n");
}

std::string Meta(const std::vector<std::pair<std::string, std::string>>& items) {
  std::string out = "<dl class=\"meta\">";
  for (const auto& [key, value] : items) {
    absl::StrAppend(&out, "<dt>", HtmlEscape(key), "</dt><dd>", HtmlEscape(value), "</dd>");
  }
  return out + "</dl>\n";
}

// The person who asked, or why the record no longer names them (the
// identity detail deleted by retention, or unreadable; ADR 0005).
std::string PersonText(const v1::ExportedRecord& e) {
  for (const v1::DetailStatus& d : e.details()) {
    if (d.kind() != v1::IDENTITY) continue;
    if (d.state() == v1::DetailStatus::DETAIL_REDACTED) return "(nach Frist gelöscht)";
    if (d.state() == v1::DetailStatus::DETAIL_UNREADABLE) return "(nicht lesbar)";
  }
  return e.record().requester().principal();
}

std::string VerificationSection(const ReportVerification& v) {
  std::string out = absl::StrCat("<section id=\"pruefung\" class=\"", v.ok ? "ok" : "bad",
                                 "\" data-ok=\"", v.ok ? "true" : "false",
                                 "\">\n<h2>1. Prüfung des Protokolls</h2>\n");
  const bool offline = v.source == ReportVerification::Source::kOffline;
  absl::StrAppend(&out, "<p class=\"verdict\">",
                  v.ok ? "Bestanden: die Kette ist vollständig und unverändert."
                       : "NICHT BESTANDEN: das Protokoll ist beschädigt oder verändert.",
                  "</p>\n");
  if (!v.ok) absl::StrAppend(&out, "<p>Befund: ", HtmlEscape(v.finding), "</p>\n");
  std::vector<std::pair<std::string, std::string>> items;
  items.emplace_back("Geprüft", offline ? absl::StrCat("offline, Kopie in ", v.log_dir)
                                        : "vom Server (VerifyLog)");
  if (v.ok) {
    items.emplace_back("Einträge", Count(static_cast<int64_t>(v.records)));
    items.emplace_back("Ursprung", v.origin);
    items.emplace_back("Prüfpunkte",
                       absl::StrCat(Count(static_cast<int64_t>(v.checkpoints)),
                                    v.signatures_checked ? " (Signaturen geprüft)"
                                                         : " (Signaturen nicht geprüft)"));
    items.emplace_back("Nach dem letzten Prüfpunkt",
                       absl::StrCat(Count(static_cast<int64_t>(v.unsealed_records)), " Einträge"));
    items.emplace_back("Kopf-Hash", v.head_leaf_hash);
    items.emplace_back("Details",
                       absl::StrCat(Count(static_cast<int64_t>(v.details_checked)),
                                    " geprüft, ", Count(static_cast<int64_t>(v.details_redacted)),
                                    " nach Frist gelöscht"));
  }
  if (offline) {
    items.emplace_back("Abgleich der Liste",
                       absl::StrCat(Count(static_cast<int64_t>(v.rows_checked)),
                                    " aufgeführte Einträge stimmen mit der geprüften Kopie überein; ",
                                    Count(static_cast<int64_t>(v.rows_after_copy)),
                                    " sind nach dem Export hinzugekommen (nicht offline geprüft)"));
  }
  out += Meta(items);
  if (!offline) {
    out += "<p class=\"notes\">Der Server hat sein eigenes Protokoll geprüft. Den Nachweis, der "
           "dem Server nicht vertraut, liefert die Offline-Prüfung eines Exports: "
           "<code>cellgate audit export DIR</code>, dann "
           "<code>cellgate audit report --log DIR --pubkey audit-signing.pub</code>.</p>\n";
  }
  return out + "</section>\n";
}

}  // namespace

std::string RecordTypeLabel(v1::RecordType type) {
  switch (type) {
    case v1::RELEASE: return "Freigabe";
    case v1::REFUSAL: return "Ablehnung";
    case v1::INGEST: return "Datenlieferung";
    case v1::POLICY_CHANGE: return "Regeländerung";
    case v1::KEY_ROTATION: return "Schlüsselwechsel";
    case v1::CONFIG_CHANGE: return "Konfigurationsänderung";
    case v1::START: return "Serverstart";
    case v1::STOP: return "Serverstopp";
    case v1::RECOVERY: return "Wiederherstellung";
    case v1::CHECKPOINT: return "Prüfpunkt";
    case v1::AUDIT_ACCESS: return "Protokollzugriff";
    case v1::RETENTION_REDACTION: return "Löschung nach Frist";
    case v1::DATASET_CREATED: return "Datensatz angelegt";
    default: return "unbekannt";
  }
}

void AuditReport::Add(const v1::ExportedRecord& record) {
  const v1::AuditRecord& r = record.record();
  ++records_;
  if (first_time_.empty()) first_time_ = r.time_utc();
  if (!r.time_utc().empty()) last_time_ = r.time_utc();
  const bool released = r.record_type() == v1::RELEASE;
  const bool refused = r.record_type() == v1::REFUSAL;
  if (released || refused) {
    const std::string day = r.time_utc().substr(0, 10);
    for (auto [series, group] : {std::pair{&by_department_, r.requester().department()},
                                 std::pair{&by_dataset_, r.dataset()},
                                 std::pair{&by_purpose_, r.purpose()}}) {
      Tally& t = (*series)[group][day];
      (released ? t.released : t.refused) += 1;
    }
    (released ? total_.released : total_.refused) += 1;
  }
  rows_.push_back(record);
  if (rows_.size() > max_rows_) rows_.pop_front();
}

std::string AuditReport::Overview() const {
  bool monthly = false;
  const std::vector<std::string> buckets = Buckets(first_time_, last_time_, monthly);
  std::string out = "<section id=\"uebersicht\">\n<h2>2. Freigaben und Ablehnungen</h2>\n";
  if (buckets.size() > 1) {
    std::map<std::string, Tally> per_bucket;
    for (const auto& [group, days] : by_department_) {
      for (const auto& [day, t] : days) {
        per_bucket[BucketOf(day, monthly)].released += t.released;
        per_bucket[BucketOf(day, monthly)].refused += t.refused;
      }
    }
    ChartData chart;
    chart.kind = ChartData::Kind::kLine;
    chart.title = "Freigaben und Ablehnungen";
    ChartSeries released{"Freigaben", {}}, refused{"Ablehnungen", {}};
    for (const std::string& b : buckets) {
      chart.categories.push_back(BucketLabel(b));
      const auto it = per_bucket.find(b);
      released.points.push_back({static_cast<double>(it == per_bucket.end() ? 0 : it->second.released), ""});
      refused.points.push_back({static_cast<double>(it == per_bucket.end() ? 0 : it->second.refused), ""});
    }
    chart.series = {std::move(released), std::move(refused)};
    out += Chart(chart, monthly ? "Anzahl je Monat" : "Anzahl je Tag");
  }
  out += Meta({{"Einträge im Bericht", Count(static_cast<int64_t>(records_))},
               {"Freigaben", Count(total_.released)},
               {"Ablehnungen", Count(total_.refused)},
               {"Zeitraum", first_time_.empty() ? "–" : absl::StrCat(first_time_, " bis ", last_time_)}});
  return out + "</section>\n";
}

std::string AuditReport::ByGroup(const std::string& title, const std::string& what,
                                 const std::string& column, const Series& series,
                                 int number) const {
  std::string out = absl::StrCat("<section id=\"nach-", HtmlEscape(what), "\">\n<h2>", number, ". ",
                                 HtmlEscape(title), "</h2>\n");
  const std::vector<GroupTotal> totals = Totals(series);
  if (totals.empty()) return out + "<p>Keine Freigaben oder Ablehnungen.</p>\n</section>\n";
  bool monthly = false;
  const std::vector<std::string> buckets = Buckets(first_time_, last_time_, monthly);
  for (const bool want_refused : {false, true}) {
    const std::string kind = want_refused ? "Ablehnungen" : "Freigaben";
    ChartData chart;
    chart.title = absl::StrCat(kind, " – ", title);
    if (buckets.size() <= 1) {
      // One day: bars per group.
      chart.kind = ChartData::Kind::kBar;
      ChartSeries s{kind, {}};
      for (const GroupTotal& t : totals) {
        chart.categories.push_back(GroupLabel(t.name));
        s.points.push_back({static_cast<double>(want_refused ? t.refused : t.released), ""});
      }
      chart.series = {std::move(s)};
      out += Chart(chart, absl::StrCat(kind, " je Gruppe"));
      continue;
    }
    chart.kind = ChartData::Kind::kLine;
    std::map<std::string, size_t> index;
    for (const std::string& b : buckets) {
      index.emplace(b, index.size());
      chart.categories.push_back(BucketLabel(b));
    }
    // The largest groups each get a line, the rest one line together.
    const size_t shown = std::min(totals.size(), kMaxGroups);
    chart.series.resize(totals.size() > shown ? shown + 1 : shown);
    for (ChartSeries& line : chart.series) line.points.assign(buckets.size(), ChartPoint{0.0, ""});
    for (size_t g = 0; g < shown; ++g) chart.series[g].label = GroupLabel(totals[g].name);
    if (totals.size() > shown) {
      chart.series.back().label = absl::StrCat("Übrige (", totals.size() - shown, ")");
    }
    for (size_t g = 0; g < totals.size(); ++g) {
      ChartSeries& line = chart.series[std::min(g, shown)];
      for (const auto& [day, t] : series.at(totals[g].name)) {
        const auto at = index.find(BucketOf(day, monthly));
        if (at != index.end()) *line.points[at->second].value += want_refused ? t.refused : t.released;
      }
    }
    out += Chart(chart, absl::StrCat(kind, monthly ? " je Monat" : " je Tag"));
  }
  absl::StrAppend(&out, "<table class=\"summe\"><thead><tr><th>", HtmlEscape(column),
                  "</th><th>Freigaben</th><th>Ablehnungen</th><th>Anteil abgelehnt</th></tr>"
                  "</thead><tbody>\n");
  for (const GroupTotal& t : totals) {
    const int64_t all = t.released + t.refused;
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(GroupLabel(t.name)), "</td><td class=\"n\">",
                    Count(t.released), "</td><td class=\"n\">", Count(t.refused),
                    "</td><td class=\"n\">",
                    all == 0 ? "–" : absl::StrCat(FormatGermanNumber(100.0 * t.refused / all, 1), " %"),
                    "</td></tr>\n");
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string AuditReport::RecordList() const {
  std::string out = absl::StrCat(
      "<section id=\"liste\">\n<h2>6. Einträge</h2>\n",
      rows_.size() < records_
          ? absl::StrCat("<p class=\"notes\">Die Liste zeigt die neuesten ",
                         Count(static_cast<int64_t>(rows_.size())), " von ",
                         Count(static_cast<int64_t>(records_)),
                         " Einträgen; Diagramme und Summen zählen alle.</p>\n")
          : "",
      "<p><label for=\"suche\">Suche in den Einträgen</label><br>"
      "<input id=\"suche\" type=\"search\" autocomplete=\"off\" "
      "placeholder=\"Person, Abteilung, Datensatz, Release-ID …\"></p>\n"
      "<p id=\"treffer\" class=\"notes\" aria-live=\"polite\"></p>\n"
      "<table id=\"eintraege\"><thead><tr><th>Nr.</th><th>Zeit (UTC)</th><th>Art</th>"
      "<th>Person</th><th>Rolle</th><th>Abteilung</th><th>Datensatz</th><th>Zweck</th>"
      "<th>Rechtsgrundlage</th><th>Entscheidung</th><th>Gründe</th>"
      "<th>Zellen / veröffentlicht / gesperrt</th><th>Release-ID</th></tr></thead><tbody>\n");
  for (auto it = rows_.rbegin(); it != rows_.rend(); ++it) {
    const v1::AuditRecord& r = it->record();
    const std::string reasons = absl::StrJoin(r.reason_codes(), ", ");
    const std::string text = r.reason().empty() ? r.detail() : r.reason();
    std::string cells;
    if (r.has_counts() && r.counts().cells() != 0) {
      const v1::ReleaseCounts& c = r.counts();
      cells = absl::StrCat(Count(c.cells()), " / ", Count(c.published()), " / ",
                           Count(c.suppressed_primary() + c.suppressed_secondary()));
    }
    absl::StrAppend(
        &out, "<tr data-seq=\"", r.seq(), "\"", r.decision() == v1::REFUSED ? " class=\"refused\"" : "",
        "><td class=\"n\">", r.seq(), "</td><td>", HtmlEscape(r.time_utc()), "</td><td>",
        HtmlEscape(RecordTypeLabel(r.record_type())), "</td><td>",
        HtmlEscape(PersonText(*it)), "</td><td>", HtmlEscape(r.requester().role()),
        "</td><td>", HtmlEscape(r.requester().department()), "</td><td>",
        HtmlEscape(DatasetText(r)), "</td><td>", HtmlEscape(r.purpose()), "</td><td>",
        HtmlEscape(r.legal_basis()), "</td><td>", HtmlEscape(DecisionLabel(r.decision())),
        "</td><td>", HtmlEscape(reasons),
        text.empty() ? "" : absl::StrCat(reasons.empty() ? "" : "<br>", "<small>", HtmlEscape(text), "</small>"),
        "</td><td class=\"n\">", cells, "</td><td><code>", HtmlEscape(r.release_id()),
        "</code></td></tr>\n");
  }
  return out + "</tbody></table>\n</section>\n";
}

std::string AuditReport::Render(const ReportVerification& verification,
                                const ReportOptions& options) const {
  const std::string csp = absl::StrCat("default-src 'none'; img-src data:; style-src ",
                                       CspHash(kStyle), "; script-src ", CspHash(kScript));
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"", csp, "\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Freigabeprotokoll – Bericht für die Datenschutzkontrolle</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<header><h1>Freigabeprotokoll</h1>\n"
      "<p>Bericht für die Datenschutzkontrolle: wer welche Tabellen zu welchem Zweck erhalten "
      "hat, was abgelehnt wurde, und ob das Protokoll vollständig und unverändert ist.</p>\n",
      Meta({{"Server", Or(options.server, "–")},
            {"Erstellt", Or(options.generated_utc, "–")},
            {"Auswahl", Or(options.filters, "alle Einträge außer Prüfpunkten")}}),
      "</header>\n");
  absl::StrAppend(&out, VerificationSection(verification), Overview(),
                  ByGroup("Nach Abteilung", "abteilung", "Abteilung", by_department_, 3),
                  ByGroup("Nach Datensatz", "datensatz", "Datensatz", by_dataset_, 4),
                  ByGroup("Nach Zweck", "zweck", "Zweck", by_purpose_, 5), RecordList(),
                  "<footer><p class=\"notes\">Erstellt mit cellgate audit report. Jeder Eintrag "
                  "ist mit <code>cellgate audit show NR</code> vollständig abrufbar.</p></footer>\n"
                  "<script>", kScript, "</script>\n</body>\n</html>\n");
  return out;
}

}  // namespace cellgate::client
