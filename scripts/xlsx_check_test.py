#!/usr/bin/env python3
"""Reads tally's --xlsx workbook back with an independent reader (openpyxl) and checks every
cell and its type against the --combined CSV of the same run, and the sheet's frozen header,
filter and totals row.

    python3 scripts/xlsx_check_test.py [TALLY]

Needs openpyxl (PyPI). Where it is missing it prints why and that it skipped, and exits 0.
"""

import csv
import datetime
import io
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUARDED = ("=", "+", "-", "@", "\t", "\r", "'")


def unguard(cell):
    """The id a CSV cell holds: one leading apostrophe off a guarded cell (see the README)."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in GUARDED else cell


def check(name, tally, scratch, options):
    import openpyxl

    out, combined, xlsx = (os.path.join(scratch, name + suffix) for suffix in ("-days", ".csv", ".xlsx"))
    subprocess.run([tally, "rollup", os.path.join(ROOT, "fixtures", "logs"), "--out", out, "--no-state",
                    "--combined", combined, "--xlsx", xlsx, *options], check=True)
    with open(combined, newline="", encoding="utf-8") as handle:
        records = list(csv.reader(io.StringIO(handle.read())))
    header, rows = records[0], records[1:]
    sheet = openpyxl.load_workbook(xlsx).active
    values = openpyxl.load_workbook(xlsx, data_only=True).active
    problems = []

    def expect(condition, what):
        if not condition:
            problems.append(what)

    expect(sheet.freeze_panes == "A2", f"frozen at {sheet.freeze_panes}")
    last = openpyxl.utils.get_column_letter(len(header))
    expect(sheet.auto_filter.ref == f"A1:{last}{len(rows) + 1}", f"filter {sheet.auto_filter.ref}")
    expect(sheet.max_row == len(rows) + 2, f"{sheet.max_row} rows, not {len(rows) + 2}")
    expect([c.value for c in sheet[1]] == header, "the header")
    counters = header.index("impressions")
    for number, row in enumerate(rows, start=2):
        for column, (text, cell) in enumerate(zip(row, sheet[number])):
            name_ = header[column]
            if name_ == "date":
                ok = cell.value == datetime.datetime.fromisoformat(text) and cell.number_format == "yyyy-mm-dd"
            elif name_ == "hour":
                ok = cell.value == int(text) and cell.data_type == "n"
            elif column >= counters and name_ in ("ctr", "view_rate"):
                ok = (cell.value is None) if text == "" else (
                    abs(cell.value - float(text)) < 1e-9 and cell.number_format == "0.00%")
            elif column >= counters:
                ok = cell.value == int(text) and isinstance(cell.value, int)
            else:  # ids, names, the UTC offset: text, as the logs wrote them
                ok = (cell.value is None) if text == "" else (cell.value == unguard(text) and cell.data_type == "s")
            if not ok:
                problems.append(f"row {number} {name_}: {cell.value!r} ({cell.data_type}, {cell.number_format}) "
                                f"against {text!r}")
    totals_row = len(rows) + 2
    expect(sheet.cell(totals_row, 1).value == "Total", "the totals row's label")
    for column in range(counters, counters + 3):
        letter = openpyxl.utils.get_column_letter(column + 1)
        expect(sheet.cell(totals_row, column + 1).value == f"=SUM({letter}2:{letter}{totals_row - 1})",
               f"the {header[column]} total's formula")
        expect(values.cell(totals_row, column + 1).value == sum(int(r[column]) for r in rows),
               f"the {header[column]} total")
    print(f"xlsx_check_test: {name}: " + ("ok" if not problems else "FAILED"))
    for problem in problems[:20]:
        print("  " + problem)
    return not problems


def main():
    tally = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "tally"))
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        print("xlsx_check_test: SKIPPED: openpyxl is not installed (pip install openpyxl)")
        return 0
    with tempfile.TemporaryDirectory(prefix="tally-xlsx-") as scratch:
        names = os.path.join(scratch, "names.csv")
        with open(names, "w", encoding="utf-8") as handle:
            handle.write('campaign_id,name,advertiser\n4711,Winter sale,"Acme, Inc."\n=SUM(A1:A9),=cmd,@evil\n')
        results = [
            check("by day", tally, scratch, ["--ratios", "--campaigns", names, "--tz", "America/New_York"]),
            check("by hour", tally, scratch, ["--by", "placement,campaign,country", "--granularity", "hour"]),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
