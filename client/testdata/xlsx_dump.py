#!/usr/bin/env python3
"""Prints an xlsx workbook as plain text, one line per fact, for golden tests.

Usage: xlsx_dump.py FILE.xlsx

Only the Python standard library: the file is opened with zipfile and its
XML parts are parsed with xml.etree. The output lists the sheets in workbook
order and, per sheet, its frozen pane, column widths (in characters, by
column number), rows of a set height (in points), merged ranges, hyperlinks
and every cell in row order with its type, value and style:

  sheet 1 "abschluesse"
    pane D5
    column 1 width 13.7109375
    row 4 height 30
    merge D3:F3
    A1 s "Schulabgänger ..." bold
    D5 n 1180 fmt="#,##0"
    E7 s "." right

Types are those of the sheet XML: n (number), s (shared string, shown
resolved), str, inlineStr, b, e. Styles show the number format (built-in
ids resolved to their codes), bold, the horizontal alignment and indent.
Exits 1 with a message on stderr if FILE is not a readable workbook.
"""

import json
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
R_ID = "{%s}id" % NS["r"]

# ECMA-376 part 1, 18.8.30: the built-in number formats used here.
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%", 49: "@"}


def text_of(node):
    """The text of a string item: <t> or the <t> of its rich-text runs."""
    return "".join(t.text or "" for t in node.iter("{%s}t" % NS["m"]))


def shared_strings(z):
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = ET.fromstring(z.read("xl/sharedStrings.xml"))
    return [text_of(si) for si in root.findall("m:si", NS)]


def styles(z):
    """Per cell style index: a short description ("" for the default)."""
    root = ET.fromstring(z.read("xl/styles.xml"))
    formats = dict(BUILTIN_FORMATS)
    for f in root.findall("m:numFmts/m:numFmt", NS):
        formats[int(f.get("numFmtId"))] = f.get("formatCode")
    fonts = root.findall("m:fonts/m:font", NS)
    described = []
    for xf in root.findall("m:cellXfs/m:xf", NS):
        parts = []
        fmt = formats.get(int(xf.get("numFmtId", "0")), "id%s" % xf.get("numFmtId"))
        if fmt != "General":
            parts.append("fmt=%s" % json.dumps(fmt))
        font = fonts[int(xf.get("fontId", "0"))]
        if font.find("m:b", NS) is not None:
            parts.append("bold")
        align = xf.find("m:alignment", NS)
        if align is not None:
            if align.get("horizontal"):
                parts.append(align.get("horizontal"))
            if align.get("indent"):
                parts.append("indent=%s" % align.get("indent"))
        described.append(" ".join(parts))
    return described


def sheet_paths(z):
    """(name, path) of each sheet in workbook order."""
    workbook = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    out = []
    for s in workbook.findall("m:sheets/m:sheet", NS):
        target = targets[s.get(R_ID)]
        out.append((s.get("name"), target.lstrip("/") if target.startswith("/") else "xl/" + target))
    return out


def sheet_links(z, path):
    """Hyperlink locations by cell reference."""
    root = ET.fromstring(z.read(path))
    links = {}
    for h in root.findall("m:hyperlinks/m:hyperlink", NS):
        links[h.get("ref")] = "#" + h.get("location") if h.get("location") else "rel"
    return links


def cell_key(ref):
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def dump_sheet(number, name, root, strings, style_of, links):
    lines = ['sheet %d %s' % (number, json.dumps(name, ensure_ascii=False))]
    pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
    if pane is not None and pane.get("state") == "frozen":
        lines.append("  pane %s" % pane.get("topLeftCell"))
    for col in root.findall("m:cols/m:col", NS):
        span = col.get("min") if col.get("min") == col.get("max") else "%s-%s" % (col.get("min"), col.get("max"))
        lines.append("  column %s width %s" % (span, col.get("width")))
    for row in root.findall("m:sheetData/m:row", NS):
        if row.get("customHeight") == "1":
            lines.append("  row %s height %s" % (row.get("r"), row.get("ht")))
    for merge in root.findall("m:mergeCells/m:mergeCell", NS):
        lines.append("  merge %s" % merge.get("ref"))
    for ref in sorted(links, key=cell_key):
        lines.append("  link %s %s" % (ref, links[ref]))
    cells = root.findall("m:sheetData/m:row/m:c", NS)
    for c in sorted(cells, key=lambda c: cell_key(c.get("r"))):
        kind = c.get("t", "n")
        v = c.find("m:v", NS)
        if kind == "s":
            value = json.dumps(strings[int(v.text)], ensure_ascii=False)
        elif kind == "inlineStr":
            value = json.dumps(text_of(c.find("m:is", NS)), ensure_ascii=False)
        elif v is None:
            kind, value = "blank", ""
        else:
            value = v.text if kind == "n" else json.dumps(v.text, ensure_ascii=False)
        style = style_of[int(c.get("s", "0"))]
        lines.append(" ".join(p for p in ("  " + c.get("r"), kind, value, style) if p != ""))
    return lines


def dump(path):
    with zipfile.ZipFile(path) as z:
        strings = shared_strings(z)
        style_of = styles(z)
        lines = []
        for number, (name, part) in enumerate(sheet_paths(z), start=1):
            root = ET.fromstring(z.read(part))
            lines += dump_sheet(number, name, root, strings, style_of, sheet_links(z, part))
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) != 2:
        print("usage: xlsx_dump.py FILE.xlsx", file=sys.stderr)
        return 2
    try:
        sys.stdout.buffer.write(dump(argv[1]).encode("utf-8"))
    except (OSError, zipfile.BadZipFile, KeyError, ET.ParseError) as error:
        print("xlsx_dump.py: %s: %s" % (argv[1], error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
