#!/usr/bin/env python3
"""Reference implementation (test oracle) of the tally rollup contract.

    reference_rollup.py [--tz ZONE] [--by FIELDS] [--granularity day|hour] --out DIR FILE...

Writes one YYYY-MM-DD.csv per day with a counted event into DIR and prints the
accounting as JSON on stdout. Deliberately simple and slow; standard library only.

Decisions where the contract is silent (chosen to match tally's documented choices):
  * A line is exactly one of blank / rejected / ignored / counted; "lines" is their
    sum (header lines excluded, blank lines included). Blank = only SP, HT, CR.
  * Order of checks, first failure wins: nul_byte (raw line), malformed, missing_field,
    bad_type, then a type that is not counted makes the line ignored, then bad_campaign,
    empty_campaign, nul_byte (campaign decodes to U+0000), invalid_utf8, then the time
    (bad_time, time_out_of_range).
  * The best-ranked alias present wins even if its value is null, and then the field is
    missing (no fall-back to a lower alias). A repeated key: its first occurrence counts.
  * JSON: a lone surrogate escape (\ud800) in any top-level key or in the value read for
    time/type/campaign is malformed (at the stage that value is read); nesting deeper
    than 64 values is malformed; NaN/Infinity are malformed.
  * Time: JSON numbers and numeric strings alike must be -?digits[.digits] (no exponent);
    a leap second :60 is accepted and read as :59. A UTF-8 BOM opening a file is dropped.
  * CSV/TSV: a row is one line; a quote inside an unquoted cell, text after a closing
    quote or an unclosed quote is malformed. A short row (cell absent) or an empty
    time/type cell is missing_field; an empty campaign cell is empty_campaign; extra
    cells are ignored. Header names are trimmed of SP/HT; with a repeated name the
    leftmost column wins. Format detection skips leading SP/HT of the first non-blank line.
  * --by: "campaign" or a campaign alias is the campaign; another name is a top-level JSON
    key or a header name. Absent, null or a short row is an empty cell, never a reject. A
    JSON number is its text, true/false as written; objects and arrays are not handled here.
    After the time, each key field in order: malformed (lone surrogate), nul_byte (decodes
    to U+0000), invalid_utf8. Rows sort by the columns, each bytewise.
  * --granularity hour: hour 00-23 and utc_offset (UTC-04:00) columns after the date; rows
    sort by hour, then the earlier of a repeated hour (the larger offset) first.
"""
import argparse
import gzip
import json
import os
import re
import sys
from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

TIME_KEYS = ("ts", "timestamp", "time", "event_time")
TYPE_KEYS = ("event", "event_type", "type")
CAMPAIGN_KEYS = ("campaign_id", "campaign", "cid")
KINDS = ("impressions", "clicks", "video_views")
TYPES = {"impression": "impressions", "imp": "impressions", "impr": "impressions",
         "click": "clicks", "clk": "clicks",
         "video_view": "video_views", "videoview": "video_views",
         "video_start": "video_views", "start": "video_views"}
REASONS = ("malformed", "missing_field", "empty_campaign", "bad_campaign", "bad_type",
           "bad_time", "time_out_of_range", "invalid_utf8", "nul_byte", "ambiguous_time",
           "nonexistent_time")
MIN_SECONDS = 946684800    # 2000-01-01T00:00:00Z
END_SECONDS = 4133980800   # 2101-01-01T00:00:00Z (exclusive)
MAX_DEPTH = 64
# A time without a zone is read in UTC (tally's default --input-tz), never the machine's zone.
ISO_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T -](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
                    r"(?:Z|([+-])(\d{2}):?(\d{2}))?", re.ASCII)
NUMERIC_RE = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)
INTEGER_RE = re.compile(r"-?\d+", re.ASCII)
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Reject(Exception):
    pass


class Number:
    """A JSON number, kept as its exact source text."""
    def __init__(self, text):
        self.text = text


class Obj(dict):
    """A JSON object: first occurrence of a key wins; remembers its nesting depth."""
    def __init__(self, pairs):
        super().__init__()
        for key, value in pairs:
            self.setdefault(key, value)
        self.depth = 1 + max((depth(v) for _, v in pairs), default=0)


def depth(value):
    if isinstance(value, Obj):
        return value.depth
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 1


def read_file(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)  # all members; raises on corrupt input
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [l[:-1] if l.endswith(b"\r") else l for l in lines]


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def parse_json(line):
    """(object with undecodable bytes as surrogate escapes, same object with them as U+FFFD).

    In the second, any surrogate left in a string came from a lone \\uXXXX escape."""
    try:
        objs = [json.loads(line.decode("utf-8", errors), object_pairs_hook=Obj, parse_int=Number,
                           parse_float=Number, parse_constant=reject_constant)
                for errors in ("surrogateescape", "replace")]
    except (ValueError, RecursionError):
        raise Reject("malformed")
    obj, view = objs
    if not isinstance(obj, Obj) or obj.depth > MAX_DEPTH + 1 or any(map(lone_surrogate, view)):
        raise Reject("malformed")
    return obj, view


def lone_surrogate(value):
    return isinstance(value, str) and any("\ud800" <= ch <= "\udfff" for ch in value)


def split_row(text, delim):
    """(cells, well_formed); on a quoting error, the cells before the bad one."""
    cells, i, n = [], 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j = i + 1
            while True:
                j = text.find('"', j)
                if j < 0:
                    return cells, False  # never closed
                if text.startswith('""', j):
                    j += 2
                    continue
                break
            cells.append(text[i + 1:j].replace('""', '"'))
            i = j + 1
            if i < n and text[i] != delim:
                return cells, False  # text after the closing quote
        else:
            j = text.find(delim, i)
            j = n if j < 0 else j
            if '"' in text[i:j]:
                return cells, False  # quote inside an unquoted cell
            cells.append(text[i:j])
            i = j
        if i >= n:
            return cells, True
        i += 1  # skip the delimiter


def epoch_seconds(value):
    """Seconds since the epoch (truncated) for a time value; raises Reject."""
    if isinstance(value, Number):
        text = value.text
    elif isinstance(value, str):
        m = ISO_RE.fullmatch(value)
        if m:
            y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
            leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
            mdays = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            if not (1 <= mo <= 12 and 1 <= d <= mdays[mo - 1] and h <= 23 and mi <= 59 and s <= 60):
                raise Reject("bad_time")
            offset = 0
            if m.group(7):
                oh, om = int(m.group(8)), int(m.group(9))
                if oh > 23 or om > 59:
                    raise Reject("bad_time")
                offset = (oh * 3600 + om * 60) * (1 if m.group(7) == "+" else -1)
            if not 1 <= y <= 9999:  # outside datetime's range, so certainly out of range
                raise Reject("time_out_of_range")
            local = datetime(y, mo, d, h, mi, min(s, 59), tzinfo=timezone.utc).timestamp()
            return int(local) - offset
        text = value
    else:
        raise Reject("bad_time")  # bool, list, object
    if not NUMERIC_RE.fullmatch(text):
        raise Reject("bad_time")
    number = Decimal(text)
    for bound, scale in (("1e17", 10**9), ("1e14", 10**6), ("1e11", 1000)):
        if number >= Decimal(bound):  # nano-, micro-, milliseconds
            number = number / scale
            break
    if not MIN_SECONDS <= number < END_SECONDS:
        raise Reject("time_out_of_range")
    return int(number)  # truncates; number is positive here


def classify(time, type_, campaign, lone=lambda field: False):
    """(kind, campaign, seconds), or kind None for an ignored line; raises Reject.

    Arguments are the values read for the three fields, None where missing. `lone(field)`
    says whether that JSON string held a lone surrogate escape."""
    if time is None or type_ is None or campaign is None:
        raise Reject("missing_field")
    if not isinstance(type_, str):
        raise Reject("bad_type")
    if lone("type"):
        raise Reject("malformed")
    kind = TYPES.get(type_.translate(ASCII_LOWER))
    if kind is None:
        return None, None, None
    if isinstance(campaign, Number) and INTEGER_RE.fullmatch(campaign.text):
        campaign = campaign.text
    elif not isinstance(campaign, str):
        raise Reject("bad_campaign")
    if lone("campaign"):
        raise Reject("malformed")
    if campaign == "":
        raise Reject("empty_campaign")
    check_key_cell(campaign)
    if lone("time"):
        raise Reject("malformed")
    seconds = epoch_seconds(time)
    if not MIN_SECONDS <= seconds < END_SECONDS:
        raise Reject("time_out_of_range")
    return kind, campaign, seconds


def classify_json(line, by):
    obj, view = parse_json(line)
    keys = {}
    for field, aliases in (("time", TIME_KEYS), ("type", TYPE_KEYS), ("campaign", CAMPAIGN_KEYS)):
        keys[field] = next((k for k in aliases if k in obj), None)
    values = [obj.get(keys[f]) for f in ("time", "type", "campaign")]  # absent or null -> None
    kind, campaign, seconds = classify(*values, lone=lambda f: lone_surrogate(view.get(keys[f])))
    if kind is None:
        return kind, campaign, seconds
    key = []
    for name in by:
        if name is None:
            key.append(campaign)
            continue
        value = obj.get(name)
        if isinstance(value, str) and lone_surrogate(view.get(name)):
            raise Reject("malformed")
        if isinstance(value, Number):
            value = value.text
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (Obj, list)):
            raise ValueError("objects and arrays as key values are not handled here")
        key.append(check_key_cell("" if value is None else value))
    return kind, tuple(key), seconds


def check_key_cell(value):
    """The value of a key cell (the campaign's too), or the reason it cannot be one."""
    if "\0" in value:
        raise Reject("nul_byte")
    try:
        value.encode("utf-8")  # fails on bytes kept as surrogate escapes
    except UnicodeEncodeError:
        raise Reject("invalid_utf8")
    return value


def classify_row(line, delim, columns, by):
    cells, ok = split_row(line.decode("utf-8", "surrogateescape"), delim)
    if not ok:
        raise Reject("malformed")
    cell = lambda c: cells[c] if c is not None and c < len(cells) else None
    time, type_, campaign = (cell(c) for c in columns[:3])
    kind, campaign, seconds = classify(time or None, type_ or None, campaign)  # an empty time/type cell is missing
    if kind is None:
        return kind, campaign, seconds
    extra = iter(columns[3:])
    key = tuple(campaign if name is None else check_key_cell(cell(next(extra)) or "") for name in by)
    return kind, key, seconds


def header_columns(line, delim, by):
    names = [n.strip(" \t") for n in split_row(line.decode("utf-8", "surrogateescape"), delim)[0]]
    return [next((names.index(k) for k in aliases if k in names), None)
            for aliases in (TIME_KEYS, TYPE_KEYS, CAMPAIGN_KEYS)] + \
        [names.index(name) if name in names else None for name in by if name is not None]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tz", default="UTC")
    ap.add_argument("--out", required=True)
    ap.add_argument("--by", default="campaign")
    ap.add_argument("--granularity", choices=("day", "hour"), default="day")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    zone = ZoneInfo(args.tz)
    # None stands for the campaign; other names are fields.
    by = [None if n in ("campaign",) + CAMPAIGN_KEYS else n for n in (n.strip(" ") for n in args.by.split(","))]
    headers = ["campaign_id" if n is None else n for n in by]

    acc = {"lines": 0, "counted": 0, "ignored": 0, "rejected": 0, "blank": 0,
           "events": {k: 0 for k in KINDS},
           "rejected_by_reason": {r: 0 for r in REASONS}}
    days = {}  # date string -> (hour, -offset) -> key tuple -> {kind: count}

    for path in args.files:
        delim, columns = None, None  # delim: "json", "," or "\t" once decided
        for line in read_file(path):
            if line.strip(b" \t\r") == b"":
                acc["lines"] += 1
                acc["blank"] += 1
                continue
            if delim is None:  # the first non-blank line decides; a CSV/TSV header is not a line
                if line.lstrip(b" \t").startswith(b"{"):
                    delim = "json"
                else:
                    delim = "\t" if line.count(b"\t") > line.count(b",") else ","
                    columns = header_columns(line, delim, by)
                    continue
            acc["lines"] += 1
            try:
                if b"\x00" in line:
                    raise Reject("nul_byte")
                if delim == "json":
                    kind, key, seconds = classify_json(line, by)
                else:
                    kind, key, seconds = classify_row(line, delim, columns, by)
            except Reject as r:
                acc["rejected"] += 1
                acc["rejected_by_reason"][r.args[0]] += 1
                continue
            if kind is None:
                acc["ignored"] += 1
                continue
            acc["counted"] += 1
            acc["events"][kind] += 1
            local = datetime.fromtimestamp(seconds, zone)
            offset = int(local.utcoffset().total_seconds()) // 60
            period = (local.hour, -offset) if args.granularity == "hour" else ()
            row = days.setdefault(local.strftime("%Y-%m-%d"), {}).setdefault(period, {}) \
                .setdefault(key, dict.fromkeys(KINDS, 0))
            row[kind] += 1

    os.makedirs(args.out, exist_ok=True)
    for day, periods in sorted(days.items()):
        times = ["hour", "utc_offset"] if args.granularity == "hour" else []
        out = [",".join(["date"] + times + [csv_cell(h) for h in headers] + list(KINDS))]
        for period, rows in sorted(periods.items()):
            cells = [day]
            if period:
                hour, minutes = period[0], -period[1]
                sign = "-" if minutes < 0 else "+"
                cells += [f"{hour:02d}", f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"]
            for key in sorted(rows, key=lambda k: tuple(c.encode("utf-8") for c in k)):
                r = rows[key]
                out.append(",".join(cells + [csv_cell(c) for c in key] + [str(r[k]) for k in KINDS]))
        with open(os.path.join(args.out, day + ".csv"), "wb") as f:
            f.write(("\n".join(out) + "\n").encode("utf-8"))
    print(json.dumps(acc, indent=2))


def csv_cell(value):
    """RFC 4180 cell; a formula-like start gets a ' and quotes (OWASP CSV injection)."""
    quote = False
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value, quote = "'" + value, True
    if quote or any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


if __name__ == "__main__":
    sys.exit(main())
