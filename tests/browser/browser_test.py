#!/usr/bin/env python3
"""The HTML pages in headless Chromium: each loads without a console error,
exception or failed load, holds the records or tables it should, and its
screenshot is not blank. The negative cases prove that each check can fail.

Usage: browser_test.py --chromium PATH --pages DIR CASE
  DIR holds the pages make_browser_pages wrote; the screenshots (CASE.png)
  and the DOM as rendered (CASE.dom.html) are written beside them.
Exit code 0 if the case holds, 1 if not (the reasons on stderr), 2 for a
usage error or a browser that does not start.
"""

import argparse
import os
import re
import sys

import browser_check

# What the fixed log of make_browser_pages holds.
AUDIT_RECORDS = 9
JUGENDAMT_RECORDS = 2
INJECTED_PRINCIPAL = "<script>window.__pwned=1</script>"


def check_page(browser, path, expectations, name, out_dir):
    """Loads `path`; returns the failures: problems, unmet expectations, blankness."""
    result = browser.load(path)
    failures = list(result.problems)
    if not result.loaded:
        failures.append("the page did not finish loading")
    for description, expression in expectations:
        try:
            value = browser.evaluate(expression)
        except browser_check.BrowserError as e:
            failures.append(f"{description}: {e}")
            continue
        if value is not True:
            failures.append(f"{description}: {expression} gave {value!r}")
    png = browser.screenshot()
    with open(os.path.join(out_dir, f"{name}.png"), "wb") as f:
        f.write(png)
    with open(os.path.join(out_dir, f"{name}.dom.html"), "w", encoding="utf-8") as f:
        f.write(browser.dom())
    blank = browser_check.blank_problem(png)
    if blank:
        failures.append(blank)
    return failures


def audit_report_checks():
    rows = "document.querySelectorAll('#eintraege tbody tr')"
    visible = f"Array.from({rows}).filter(r => !r.hidden).length"
    cells = "Array.from(document.querySelectorAll('#eintraege td'))"
    return [
        ("every record is listed", f"{rows}.length === {AUDIT_RECORDS}"),
        ("the newest record comes first", f"{rows}[0].dataset.seq === '8'"),
        ("the verification passed and says so",
         "document.getElementById('pruefung').dataset.ok === 'true' && "
         "document.getElementById('pruefung').textContent.includes('Bestanden')"),
        ("charts: the overview and two per department, dataset and purpose",
         "document.querySelectorAll('svg').length === 7"),
        ("an umlaut survives", f"{cells}.some(td => td.textContent === 'jürgen.groß')"),
        ("the markup principal is shown as text",
         f"{cells}.some(td => td.textContent === {INJECTED_PRINCIPAL!r})"),
        ("the markup principal did not run", "typeof window.__pwned === 'undefined'"),
        ("the markup in a reason made no element",
         "document.querySelectorAll('#eintraege img').length === 0"),
        ("the search box starts with every record shown",
         f"document.getElementById('treffer').textContent === "
         f"'{AUDIT_RECORDS} von {AUDIT_RECORDS} Einträgen angezeigt'"),
    ]


def run_audit_report(browser, pages):
    path = os.path.join(pages, "audit-report.html")
    failures = check_page(browser, path, audit_report_checks(), "audit_report", pages)
    # Typing into the search box filters the list as the DPO types.
    browser.type_text("#suche", "jugendamt")
    rows = "document.querySelectorAll('#eintraege tbody tr')"
    shown = browser.evaluate(f"Array.from({rows}).filter(r => !r.hidden).length")
    if shown != JUGENDAMT_RECORDS:
        failures.append(f"searching 'jugendamt' shows {shown} records, expected {JUGENDAMT_RECORDS}")
    hits = browser.evaluate("document.getElementById('treffer').textContent")
    if hits != f"{JUGENDAMT_RECORDS} von {AUDIT_RECORDS} Einträgen angezeigt":
        failures.append(f"the hit count reads {hits!r}")
    return failures


def run_pull_report(browser, pages):
    checks = [
        ("one section per manifest table", "document.querySelectorAll('section').length === 3"),
        ("a chart for each pulled table", "document.querySelectorAll('section svg').length === 2"),
        ("both tables hold their totals, as column heads",
         "Array.from(document.querySelectorAll('section')).filter(s => Array.from("
         "s.querySelectorAll('th')).some(th => th.textContent.endsWith('Insgesamt'))).length === 2"),
        ("a suppressed cell shows its symbol",
         "Array.from(document.querySelectorAll('td.sym')).some(td => td.textContent === '.')"),
        ("the pending table says why", "document.body.textContent.includes('Datensatz fehlt noch')"),
        ("the legend is there", "document.body.textContent.includes('Zeichenerklärung')"),
        ("the title has its umlaut",
         "document.querySelector('h1').textContent.includes('Browserprüfung')"),
    ]
    return check_page(browser, os.path.join(pages, "bericht.html"), checks, "pull_report", pages)


# --- negative cases: each must be caught -----------------------------------

BROKEN_PAGES = {
    "script_error": (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>x</title></head>"
        "<body><h1>Bericht</h1>" + "<p>Zeile mit Text, damit die Seite nicht leer ist.</p>" * 40 +
        "<script>document.body.appendChild(undefinedHelper());</script></body></html>",
        r"uncaught exception: ReferenceError: undefinedHelper"),
    "console_error": (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>x</title></head>"
        "<body><h1>Bericht</h1>" + "<p>Zeile mit Text, damit die Seite nicht leer ist.</p>" * 40 +
        "<script>console.error('Tabelle fehlt');</script></body></html>",
        r"console error: Tabelle fehlt"),
    "blank_page": (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>leer</title></head>"
        "<body></body></html>",
        r"the screenshot is blank"),
    "failed_load": (
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>x</title>"
        "<link rel='stylesheet' href='fehlt.css'></head><body><h1>Bericht</h1>" +
        "<p>Zeile mit Text, damit die Seite nicht leer ist.</p>" * 40 + "</body></html>",
        r"failed to load: net::ERR_FILE_NOT_FOUND.*fehlt\.css"),
}


def run_broken(browser, pages, case):
    html, expected = BROKEN_PAGES[case]
    path = os.path.join(pages, f"broken-{case}.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    failures = check_page(browser, path, [], f"broken_{case}", pages)
    return caught(failures, expected)


def caught(failures, expected):
    """The negative case holds if a failure matches `expected`."""
    if any(re.search(expected, f) for f in failures):
        return []
    return [f"the check did not catch it: expected a failure matching {expected!r}, "
            f"got {failures!r}"]


def run_unescaped(browser, pages, keep_csp):
    """The audit report with the principal's markup put back unescaped: the
    checks of the real page must fail, by the policy or by the script."""
    with open(os.path.join(pages, "audit-report.html"), encoding="utf-8") as f:
        html = f.read()
    escaped = "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    if escaped not in html:
        return ["the audit report does not hold the escaped principal"]
    html = html.replace(escaped, INJECTED_PRINCIPAL)
    if not keep_csp:
        html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    name = "unescaped_csp" if keep_csp else "unescaped_no_csp"
    path = os.path.join(pages, f"broken-{name}.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html)
    failures = check_page(browser, path, audit_report_checks(), name, pages)
    expected = (r"Content Security Policy|Content-Security-Policy" if keep_csp
                else r"the markup principal did not run")
    return caught(failures, expected)


CASES = {
    "audit_report": run_audit_report,
    "pull_report": run_pull_report,
    "catches_script_error": lambda b, p: run_broken(b, p, "script_error"),
    "catches_console_error": lambda b, p: run_broken(b, p, "console_error"),
    "catches_blank_page": lambda b, p: run_broken(b, p, "blank_page"),
    "catches_failed_load": lambda b, p: run_broken(b, p, "failed_load"),
    "catches_unescaped_markup_under_csp": lambda b, p: run_unescaped(b, p, keep_csp=True),
    "catches_unescaped_markup_without_csp": lambda b, p: run_unescaped(b, p, keep_csp=False),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--pages", required=True)
    parser.add_argument("case", choices=sorted(CASES))
    args = parser.parse_args()
    if not os.path.isdir(args.pages):
        print(f"browser_test: --pages {args.pages} is not a directory", file=sys.stderr)
        return 2
    try:
        with browser_check.Browser(args.chromium) as browser:
            failures = CASES[args.case](browser, args.pages)
    except browser_check.BrowserError as e:
        print(f"browser_test: {e}", file=sys.stderr)
        return 2
    for failure in failures:
        print(f"FAIL {args.case}: {failure}", file=sys.stderr)
    if not failures:
        print(f"ok {args.case}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
