#!/usr/bin/env python3
"""Regenerate fixtures/formats/ (deterministic: rerunning gives identical bytes).

    python3 scripts/gen_format_fixtures.py

Sample logs in four real-world formats, each in fixtures/formats/<case>/ with logs/, the
tally.toml that reads them and expected/ (day CSVs in UTC and summary.json):

  admanager   Google Ad Manager Data Transfer files: '^'-delimited, a header line, times in the
              network's zone (America/New_York), the event type given by the file name
  access      nginx "combined" access logs, events as pixel requests /px?ev=...&cmp=...
  headerless  '|'-delimited export without a header line, columns named in the config
  semicolon   ';'-delimited CSV with a header, left to auto-detection (tally.toml is empty)

The expected output is computed from a ledger the generator keeps while it writes: every line
is written together with its fate (counted with its instant, kind and campaign; ignored with
its type value; rejected with its reason; blank; or a header line). It is not computed by
running tally. As a second route, every written file is read back here by a small independent
reader of each format, which must give each line the fate the ledger recorded.

Conventions (those of scripts/reference_rollup.py and fixtures/expected/): day files
YYYY-MM-DD.csv (days in UTC), header date,campaign_id,impressions,clicks,video_views, rows by
campaign in UTF-8 byte order, RFC 4180 cells with the formula guard, LF line ends. Header
lines are not lines: `lines` = counted + ignored + rejected + blank. summary.json lists only
the reject reasons that occur, and ignored_types by type value as written; a request outside
the pixel path counts there as "(outside /px)". Gzip files are written by hand with MTIME 0
and no file name, so the bytes depend only on zlib. Standard library only.
"""
import gzip
import json
import random
import re
import shutil
import struct
import sys
import zlib
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The oracle's rules for a cell, the type words and the reasons, not copies of them.
from reference_rollup import (  # noqa: E402
    ASCII_LOWER, END_SECONDS, KINDS, MIN_SECONDS, REASONS, TYPES, csv_cell)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "formats"
SEED = "tally-format-fixtures-v1"
UTC = timezone.utc
NEW_YORK = ZoneInfo("America/New_York")
OUTSIDE = "(outside /px)"

# ---------------------------------------------------------------------------- outcomes & output


def counted(seconds, kind, campaign):
    return ("counted", seconds, kind, campaign)


def ignored(type_value):
    return ("ignored", type_value)


def rejected(reason):
    assert reason in REASONS, reason
    return ("rejected", reason)


BLANK, HEADER = ("blank",), ("header",)


def utc_seconds(y, mo, d, h, mi, s, zone=UTC):
    return int(datetime(y, mo, d, h, mi, s, tzinfo=zone).timestamp())


def assemble(entries, newline=b"\n", bom=False):
    """Lines of (bytes, outcome) entries, each ended by `newline`."""
    return (b"\xef\xbb\xbf" if bom else b"") + b"".join(line + newline for line, _ in entries)


def gz_member(data, level=6, mtime=0):
    """One RFC 1952 member, header written by hand (no FNAME, MTIME 0, OS 3)."""
    xfl = {1: 4, 9: 2}.get(level, 0)
    header = b"\x1f\x8b\x08\x00" + struct.pack("<I", mtime) + bytes([xfl, 3])
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = comp.compress(data) + comp.flush()
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def ledger(outcomes):
    """(accounting in summary.json's shape, {day: {campaign: Counter(kind)}}, header lines)."""
    acc = {"lines": 0, "counted": 0, "ignored": 0, "rejected": 0, "blank": 0}
    events, reasons, ignored_types = Counter(), Counter(), Counter()
    days = defaultdict(lambda: defaultdict(Counter))
    headers = 0
    for o in outcomes:
        if o == HEADER:
            headers += 1
            continue
        acc["lines"] += 1
        acc[o[0]] += 1
        if o[0] == "rejected":
            reasons[o[1]] += 1
        elif o[0] == "ignored":
            ignored_types[o[1]] += 1
        elif o[0] == "counted":
            _, seconds, kind, campaign = o
            events[kind] += 1
            day = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d")
            days[day][campaign][kind] += 1
    assert acc["lines"] == acc["counted"] + acc["ignored"] + acc["rejected"] + acc["blank"]
    acc["events"] = {k: events[k] for k in KINDS}
    acc["rejected_by_reason"] = {r: reasons[r] for r in REASONS if reasons[r]}
    acc["ignored_types"] = {k: ignored_types[k] for k in sorted(ignored_types, key=lambda s: s.encode())}
    return acc, days, headers




def write_expected(out_dir, acc, days):
    out_dir.mkdir(parents=True)
    for day in sorted(days):
        rows = ["date,campaign_id," + ",".join(KINDS)]
        for campaign in sorted(days[day], key=lambda c: c.encode("utf-8")):
            n = days[day][campaign]
            rows.append(",".join([day, csv_cell(campaign)] + [str(n[k]) for k in KINDS]))
        (out_dir / f"{day}.csv").write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    (out_dir / "summary.json").write_text(json.dumps(acc, indent=2) + "\n")


def delimited_cell(value, delim):
    """A cell of a `delim`-separated row, quoted RFC 4180 style when it must be."""
    if delim in value or '"' in value or value[:1] in (" ", "\t") or value[-1:] in (" ", "\t"):
        return '"' + value.replace('"', '""') + '"'
    return value


def digits(rng, n):
    return str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(n - 1))


# ---------------------------------------------------------------------------- 1. admanager

NETWORK = 21700000
# File hours in the network's zone (America/New_York, UTC-05:00 in late November).
AM_HOURS = [(date(2026, 11, 21), 22), (date(2026, 11, 21), 23), (date(2026, 11, 22), 0), (date(2026, 11, 22), 1)]
AM_FILES = [("NetworkImpressions", "impressions", 46), ("NetworkBackfillImpressions", "impressions", 18),
            ("NetworkClicks", "clicks", 6)]
AM_HEADER = "Time^UserId^AdvertiserId^OrderId^LineItemId^CreativeId^CreativeSize^Country^Domain^TimeUsec2^KeyPart"
# OrderId (the campaign): (AdvertiserId, LineItemIds, weight)
AM_ORDERS = {
    "2874123456": ("4517730123", ["5712938410", "5712938413", "5712940087"], 30),
    "2874123501": ("4517730123", ["5713001122", "5713001125"], 15),
    "3011298765": ("4602218870", ["6120045519", "6120045522"], 20),
    "3108845210": ("4698812004", ["6301987730"], 10),
    "2990001122": ("4588126601", ["6002213345", "6002213350"], 12),
}
AM_BACKFILL_ORDERS = {"2741000017": ("4400000001", ["5400000017"], 1)}
AM_SIZES = ["300x250", "728x90", "320x50", "160x600", "970x250", "300x600"]
AM_COUNTRIES = ["United States"] * 6 + ["Canada", "Mexico", "United Kingdom", "Germany", "Côte d'Ivoire"]
AM_DOMAINS = ["news.example.com", "www.example.com", "sports.example.net", "m.example.org", "recipes.example.com"]
AM_QUOTED_DOMAIN = "promo^2026.example.net"  # written quoted: a '^' inside a cell


def am_row(rng, local, usec, order, orders, domain=None):
    adv, line_items, _ = orders.get(order, ("4517730123", ["5712938410"], 0))
    user = "CAESE" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                             for _ in range(22))
    cells = [local.strftime("%Y-%m-%d-%H:%M:%S"), user, adv, order, rng.choice(line_items),
             "138" + digits(rng, 9), rng.choice(AM_SIZES), rng.choice(AM_COUNTRIES),
             domain if domain is not None else rng.choice(AM_DOMAINS), str(usec), str(rng.randrange(1, 65))]
    return "^".join(delimited_cell(c, "^") for c in cells).encode("utf-8")


def make_admanager():
    rng = random.Random(SEED + ":admanager")
    files = {}
    for day, hour in AM_HOURS:
        for prefix, kind, n in AM_FILES:
            name = f"{prefix}_{NETWORK}_{day:%Y%m%d}_{hour:02d}.gz"
            orders = AM_BACKFILL_ORDERS if "Backfill" in prefix else AM_ORDERS
            entries = [(AM_HEADER.encode(), HEADER)]
            if name == f"NetworkClicks_{NETWORK}_20261122_01.gz":
                files[name] = entries  # the header line alone
                continue
            start = datetime(day.year, day.month, day.day, hour, tzinfo=NEW_YORK)
            offsets = sorted(rng.randrange(3600) for _ in range(n))
            if (day.day, hour) == (21, 23) and kind == "impressions":
                offsets[-1] = 3599  # 23:59:59 New York, the last second of the local day
            if (day.day, hour) == (22, 0) and kind == "impressions":
                offsets[0] = 0  # 00:00:00 New York
            for k, off in enumerate(offsets):
                local = start + timedelta(seconds=off)
                seconds = int(local.timestamp())
                usec = seconds * 1_000_000 + rng.randrange(1_000_000)
                order = rng.choices(list(orders), [v[2] for v in orders.values()])[0]
                domain = AM_QUOTED_DOMAIN if k == n // 2 and (day.day, hour) in ((21, 23), (22, 0)) \
                    and prefix != "NetworkBackfillImpressions" else None
                entries.append((am_row(rng, local, usec, order, orders, domain), counted(seconds, kind, order)))
            if (day.day, hour, prefix) in ((21, 22, "NetworkImpressions"), (22, 0, "NetworkBackfillImpressions"),
                                           (21, 23, "NetworkClicks"), (22, 1, "NetworkImpressions")):
                # an empty OrderId
                local = start + timedelta(seconds=rng.randrange(3600))
                usec = int(local.timestamp()) * 1_000_000 + rng.randrange(1_000_000)
                at = rng.randrange(2, len(entries))
                entries.insert(at, (am_row(rng, local, usec, "", orders), rejected("empty_campaign")))
            if (day.day, hour, prefix) == (22, 0, "NetworkImpressions"):
                # no such day (November 31) in Time and no number in TimeUsec2: bad in both configs
                row = am_row(rng, start, 0, "2874123456", orders).decode().split("^")
                row[0], row[9] = "2026-11-31-00:15:07", "NaN"
                entries.insert(len(entries) // 2, ("^".join(row).encode(), rejected("bad_time")))
            files[name] = entries
    return {name: (gz_member(assemble(entries)), entries) for name, entries in files.items()}


AM_TOML = """\
# Google Ad Manager Data Transfer files of network 21700000: '^'-delimited with a header line,
# Time in the network's zone (America/New_York), the event type given by the file name.
format = "delimited"
delimiter = "^"
input_timezone = "America/New_York"

[fields]
time = "{time}"
campaign = "OrderId"

[[sources]]
match = "NetworkImpressions_*"
type = "impression"

[[sources]]
match = "NetworkBackfillImpressions_*"
type = "impression"

[[sources]]
match = "NetworkClicks_*"
type = "click"
"""


def check_admanager(files, toml_time):
    for name, (data, entries) in files.items():
        fixed = "click" if name.startswith("NetworkClicks_") else "impression"
        got = judge_delimited(data, "^", True, None, {"time": toml_time, "campaign": "OrderId"},
                              NEW_YORK, fixed_type=fixed)
        assert got == [o for _, o in entries], (name, toml_time)


# ---------------------------------------------------------------------------- 2. access (nginx)

ACCESS_CAMPAIGNS = [  # (campaign, ways it is written in the query string, weight)
    ("spring sale", ["spring%20sale", "spring+sale"], 25),
    ("brand_lift", ["brand_lift"], 20),
    ("Zulu", ["Zulu"], 8),
    ("café", ["caf%C3%A9", "caf%c3%a9"], 12),
    ("acme, inc", ["acme%2C+inc", "acme%2C%20inc"], 10),
    ("c++", ["c%2B%2B"], 6),
    ("+1 promo", ["%2B1+promo", "%2B1%20promo"], 5),
    ("4711", ["4711"], 10),
]
ACCESS_EV = {"impressions": ["imp", "imp", "impression", "impr", "IMP", "Impression"],
             "clicks": ["click", "clk", "CLICK", "Clk"],
             "video_views": ["video_view", "videoview", "video_start", "start", "START", "VideoView"]}
ACCESS_OFFSETS = ["+0000"] * 6 + ["-0500", "-0500", "+0530", "+0100", "-0800"]
ACCESS_UAS = ["Mozilla/5.0 (X11; Linux x86_64)",
              "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15"]
ACCESS_REFERERS = ["https://news.example/", "https://news.example/world/article-1842.html",
                   "https://recipes.example.org/soup", "-"]
ACCESS_OTHER = [("GET", "/index.html", 200, 5120), ("GET", "/favicon.ico", 404, 153), ("GET", "/", 200, 5120),
                ("GET", "/static/app.3f9c1e.js", 304, 0), ("GET", "/robots.txt", 200, 68),
                ("POST", "/api/x", 201, 17), ("GET", "/pxx?ev=imp&cmp=a", 404, 153)]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def clf_time(seconds, offset):
    minutes = (1 if offset[0] == "+" else -1) * (int(offset[1:3]) * 60 + int(offset[3:]))
    t = datetime.fromtimestamp(seconds + minutes * 60, UTC)
    return f"{t.day:02d}/{MONTHS[t.month - 1]}/{t.year}:{t:%H:%M:%S} {offset}"


def clf_line(rng, seconds, method, target, status, size, offset=None, proto="HTTP/1.1"):
    ip = rng.choice([f"198.51.100.{rng.randrange(2, 250)}", f"203.0.113.{rng.randrange(2, 250)}",
                     f"192.0.2.{rng.randrange(2, 250)}", f"2001:db8::{rng.randrange(1, 4096):x}"])
    offset = offset or rng.choice(ACCESS_OFFSETS)
    return (f'{ip} - - [{clf_time(seconds, offset)}] "{method} {target} {proto}" {status} {size} '
            f'"{rng.choice(ACCESS_REFERERS)}" "{rng.choice(ACCESS_UAS)}"').encode("utf-8")


def pixel_target(rng, ev, cmp):
    params = [("r", str(rng.randrange(10**9)))]
    if ev is not None:
        params.append(("ev", ev))
    if cmp is not None:
        params.append(("cmp", cmp))
    for name, value in (("u", f"{rng.randrange(16**8):08x}"), ("pl", rng.choice(["top", "inline", "side"])),
                        ("w", "300"), ("h", "250"), ("ref", "https%3A%2F%2Fnews.example%2F")):
        if rng.random() < 0.3:
            params.append((name, value))
    rng.shuffle(params)
    return "/px?" + "&".join(f"{k}={v}" for k, v in params)


def access_entries(rng, start, span, n):
    entries = []
    for seconds in sorted(start + rng.randrange(span) for _ in range(n)):
        r = rng.random()
        if r < 0.12:
            method, target, status, size = rng.choice(ACCESS_OTHER)
            entries.append((clf_line(rng, seconds, method, target, status, size), ignored(OUTSIDE)))
        elif r < 0.17:
            cmp = rng.choice(rng.choices(ACCESS_CAMPAIGNS, [c[2] for c in ACCESS_CAMPAIGNS])[0][1])
            entries.append((clf_line(rng, seconds, "GET", pixel_target(rng, "conversion", cmp), 200, 43),
                            ignored("conversion")))
        else:
            campaign, spellings, _ = rng.choices(ACCESS_CAMPAIGNS, [c[2] for c in ACCESS_CAMPAIGNS])[0]
            kind = rng.choices(KINDS, [75, 10, 15])[0]
            target = pixel_target(rng, rng.choice(ACCESS_EV[kind]), rng.choice(spellings))
            proto = "HTTP/2.0" if rng.random() < 0.2 else "HTTP/1.1"
            entries.append((clf_line(rng, seconds, "GET", target, 200, 43, proto=proto),
                            counted(seconds, kind, campaign)))
    return entries


def sprinkle(rng, entries, specials, lo=0):
    for item in specials:
        entries.insert(rng.randrange(lo, len(entries) + 1), item)
    return entries


def make_access():
    rng = random.Random(SEED + ":access")
    d21 = utc_seconds(2026, 11, 21, 18, 0, 0)
    d22 = utc_seconds(2026, 11, 22, 0, 0, 0)
    t = lambda *a: utc_seconds(2026, 11, *a)
    old = access_entries(rng, d21, 6 * 3600, 150)  # the rotated file: 18:00-24:00 UTC on the 21st
    sprinkle(rng, old, [
        (clf_line(rng, t(21, 23, 59, 58), "GET", "/px?ev=imp&cmp=spring%20sale&r=123", 200, 43, "+0000"),
         counted(t(21, 23, 59, 58), "impressions", "spring sale")),
        # local 22 Nov, UTC 21 Nov 22:30
        (clf_line(rng, t(21, 22, 30, 0), "GET", "/px?cmp=spring+sale&ev=click", 200, 43, "+0530"),
         counted(t(21, 22, 30, 0), "clicks", "spring sale")),
        (clf_line(rng, t(21, 20, 0, 0), "GET", "/px?ev=imp&r=5521", 200, 43), rejected("missing_field")),
        (clf_line(rng, t(21, 20, 1, 0), "GET", "/px?ev=click&cmp=&r=9", 200, 43), rejected("empty_campaign")),
        (clf_line(rng, t(21, 20, 2, 0), "GET", "/px?ev=imp&cmp=%zz", 200, 43), rejected("malformed")),
        (b"2026/11/21 20:14:07 [error] 2214#2214: *881 open() \"/usr/share/nginx/html/favicon.ico\" failed "
         b"(2: No such file or directory), client: 198.51.100.7, server: news.example", rejected("malformed")),
        (b"", BLANK),
    ])
    new = access_entries(rng, d22, 6 * 3600, 130)  # the current file: 00:00-06:00 UTC on the 22nd
    sprinkle(rng, new, [
        # local 21 Nov 19:30, UTC 22 Nov 00:30
        (clf_line(rng, t(22, 0, 30, 0), "GET", "/px?ev=video_view&cmp=caf%C3%A9", 200, 43, "-0500"),
         counted(t(22, 0, 30, 0), "video_views", "café")),
        (clf_line(rng, t(22, 0, 0, 0), "GET", "/px?r=77&ev=IMPR&cmp=%2B1+promo", 200, 43, "+0000"),
         counted(t(22, 0, 0, 0), "impressions", "+1 promo")),
        (clf_line(rng, t(22, 1, 0, 0), "GET", "/px?cmp=brand_lift&r=1", 200, 43), rejected("missing_field")),
        (clf_line(rng, t(22, 1, 1, 0), "GET", "/px?ev=imp&cmp=%FF", 200, 43), rejected("invalid_utf8")),
        (clf_line(rng, t(22, 1, 2, 0), "GET", "/pxx?ev=imp&cmp=a", 404, 153), ignored(OUTSIDE)),
        (b'203.0.113.9 - - [22/Nov/2026:02:10:', rejected("malformed")),
        (b"GARBAGE LINE -- not an access log entry", rejected("malformed")),
        (b"   ", BLANK),
    ])
    return {"access.log.1.gz": (gz_member(assemble(old)), old), "access.log": (assemble(new), new)}


ACCESS_TOML = """\
# nginx "combined" access logs; an event is a pixel request to /px with its type in the query
# parameter ev and its campaign in cmp (percent-decoded, '+' for a space).
format = "clf"

[clf]
type_param = "ev"
campaign_param = "cmp"
path_prefix = "/px"
"""

CLF_RE = re.compile(rb'(\S+) (\S+) (\S+) \[(\d{2})/([A-Z][a-z]{2})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] '
                    rb'"([A-Z]+) (\S+) (HTTP/[0-9.]+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"')


def percent_decode(text):
    """bytes of a query value: '+' is a space, %XX a byte; a bad escape raises Reject."""
    out, i = bytearray(), 0
    while i < len(text):
        ch = text[i]
        if ch == "%":
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", text[i + 1:i + 3]):
                raise Reject("malformed")
            out.append(int(text[i + 1:i + 3], 16))
            i += 3
        else:
            out += b" " if ch == "+" else ch.encode()
            i += 1
    return bytes(out)


def judge_clf(data, param_type, param_campaign, prefix):
    out = []
    for line in read_lines(data):
        if line.strip(b" \t\r") == b"":
            out.append(BLANK)
            continue
        try:
            m = CLF_RE.fullmatch(line)
            if not m:
                raise Reject("malformed")
            target = m.group(12).decode()
            path, _, query = target.partition("?")
            if path != prefix and not path.startswith(prefix + "/"):
                out.append(ignored(OUTSIDE))
                continue
            params = {}
            for pair in query.split("&"):
                k, _, v = pair.partition("=")
                params.setdefault(k, v)
            if param_type not in params or param_campaign not in params or params[param_type] == "":
                raise Reject("missing_field")
            type_value = percent_decode(params[param_type]).decode()
            kind = TYPES.get(type_value.translate(ASCII_LOWER))
            if kind is None:
                out.append(ignored(type_value))
                continue
            if params[param_campaign] == "":
                raise Reject("empty_campaign")
            try:
                campaign = percent_decode(params[param_campaign]).decode("utf-8")
            except UnicodeDecodeError:
                raise Reject("invalid_utf8")
            day, mon, year, h, mi, s, off = (m.group(i).decode() for i in range(4, 11))
            local = datetime(int(year), MONTHS.index(mon) + 1, int(day), int(h), int(mi), int(s), tzinfo=UTC)
            minutes = (1 if off[0] == "+" else -1) * (int(off[1:3]) * 60 + int(off[3:]))
            out.append(counted(int(local.timestamp()) - minutes * 60, kind, campaign))
        except Reject as r:
            out.append(rejected(r.args[0]))
    return out


def check_access(files):
    for name, (data, entries) in files.items():
        assert judge_clf(data, "ev", "cmp", "/px") == [o for _, o in entries], name


# ---------------------------------------------------------------------------- 3. headerless

HL_CAMPAIGNS = [("spring_sale", 30), ("brand_lift", 25), ("news|sports", 12), ('say "hi"', 8),
                ("-10% off", 8), ("4711", 10)]
HL_EVENTS = {"impressions": ["impression", "impression", "imp"], "clicks": ["click"],
             "video_views": ["video_start", "video_view", "start"]}
HL_IGNORED = ["bid_request", "win"]
HL_COUNTRIES = ["US", "US", "US", "CA", "DE", "GB", "MX"]
HL_PLACEMENTS = ["homepage_top", "article_inline", "sidebar", "top|right", "preroll"]


def hl_time(seconds, rng, zone=None):
    t = datetime.fromtimestamp(seconds, UTC)
    z = zone if zone is not None else ("Z" if rng.random() < 0.25 else "")
    return f"{t:%Y-%m-%d %H:%M:%S}.{rng.randrange(1000):03d}{z}"


def hl_row(*cells):
    return "|".join(delimited_cell(c, "|") for c in cells).encode("utf-8")


def headerless_entries(rng, day_start, n):
    entries = []
    for seconds in sorted(day_start + rng.randrange(86400) for _ in range(n)):
        campaign = rng.choices([c for c, _ in HL_CAMPAIGNS], [w for _, w in HL_CAMPAIGNS])[0]
        if rng.random() < 0.06:
            event, outcome = rng.choice(HL_IGNORED), None
        else:
            kind = rng.choices(KINDS, [78, 8, 14])[0]
            event, outcome = rng.choice(HL_EVENTS[kind]), counted(seconds, kind, campaign)
        row = hl_row(hl_time(seconds, rng), event, campaign, rng.choice(HL_COUNTRIES), rng.choice(HL_PLACEMENTS))
        entries.append((row, outcome or ignored(event)))
    return entries


def make_headerless():
    rng = random.Random(SEED + ":headerless")
    d21, d22 = utc_seconds(2026, 11, 21, 0, 0, 0), utc_seconds(2026, 11, 22, 0, 0, 0)
    first = headerless_entries(rng, d21, 130)
    sprinkle(rng, first, [
        (b"2026-11-21 10:00:00.000|impression", rejected("missing_field")),  # short row: no campaign
        (b"2026-11-21 10:00:01.000||spring_sale|US|sidebar", rejected("missing_field")),  # empty event
        (b"2026-11-21 10:00:02.000|click||US|sidebar", rejected("empty_campaign")),
        (b"2026-11-21 24:00:00.000|impression|brand_lift|US|sidebar", rejected("bad_time")),
        (b'2026-11-21 10:00:03.000|click|"brand_lift|US|homepage_top', rejected("malformed")),  # unclosed quote
        (b"", BLANK),
    ], lo=1)  # the first line stays a data row: there is no header to skip
    first.append((hl_row("2026-11-21 23:59:59.999", "impression", "brand_lift", "US", "top|right"),
                  counted(d22 - 1, "impressions", "brand_lift")))
    second = headerless_entries(rng, d22, 120)
    sprinkle(rng, second, [
        (b"1999-12-31 23:59:59.000Z|impression|brand_lift|US|sidebar", rejected("time_out_of_range")),
        (b"2026-11-22 08:00:00.000+01:00|bid_request|spring_sale|DE|sidebar", ignored("bid_request")),
        (b"2026-11-22 07:00:00.000+01:00|video_view|spring_sale|DE|preroll",
         counted(utc_seconds(2026, 11, 22, 6, 0, 0), "video_views", "spring_sale")),
        (b" \t", BLANK),
    ], lo=2)
    second[0:0] = [
        (hl_row("2026-11-22 00:00:00.000Z", "click", 'say "hi"', "US", "top|right"),
         counted(d22, "clicks", 'say "hi"')),
        (hl_row("2026-11-21 23:58:00.250", "impression", "news|sports", "CA", "sidebar"),  # a late row
         counted(d22 - 120, "impressions", "news|sports")),
    ]
    return {"export-20261121.psv": (assemble(first), first),
            "export-20261122.psv.gz": (gz_member(assemble(second, b"\r\n")), second)}


HL_COLUMNS = ["event_time", "event", "campaign", "country", "placement"]
HEADERLESS_TOML = """\
# A '|'-delimited export without a header line; the columns are named here. Times are
# written without a zone (read as UTC) or with Z.
format = "delimited"
delimiter = "|"
header = false
columns = ["event_time", "event", "campaign", "country", "placement"]

[fields]
time = "event_time"
type = "event"
campaign = "campaign"
"""


def check_headerless(files):
    for name, (data, entries) in files.items():
        got = judge_delimited(data, "|", False, HL_COLUMNS,
                              {"time": "event_time", "type": "event", "campaign": "campaign"}, UTC)
        assert got == [o for _, o in entries], name


# ---------------------------------------------------------------------------- 4. semicolon

SC_CAMPAIGNS = [("Winterschlussverkauf", 30), ("Müller, Berlin", 15), ("Sale; 50%", 12), ("Ölwechsel", 10),
                ("@home", 8), ("brand_lift", 20)]
SC_EVENTS = {"impressions": ["impression", "impression", "Impression"], "clicks": ["click", "CLICK"],
             "video_views": ["video_view"]}
SC_IGNORED = ["conversion", "lead"]
SC_COUNTRIES = ["DE", "DE", "DE", "AT", "CH"]


def sc_time(seconds, rng):
    style = rng.choices(["T+01:00", " +01:00", "+0100", "Z"], [60, 15, 10, 15])[0]
    if style == "Z":
        return f"{datetime.fromtimestamp(seconds, UTC):%Y-%m-%dT%H:%M:%S}Z"
    t = datetime.fromtimestamp(seconds + 3600, UTC)
    return {"T+01:00": f"{t:%Y-%m-%dT%H:%M:%S}+01:00", " +01:00": f"{t:%Y-%m-%d %H:%M:%S}+01:00",
            "+0100": f"{t:%Y-%m-%dT%H:%M:%S}+0100"}[style]


def sc_row(*cells):
    return ";".join(delimited_cell(c, ";") for c in cells).encode("utf-8")


def make_semicolon():
    rng = random.Random(SEED + ":semicolon")
    start = utc_seconds(2026, 11, 20, 23, 0, 0)  # 21 Nov 00:00 in Berlin (UTC+01:00)
    entries = []
    for seconds in sorted(start + rng.randrange(86400) for _ in range(180)):
        campaign = rng.choices([c for c, _ in SC_CAMPAIGNS], [w for _, w in SC_CAMPAIGNS])[0]
        if rng.random() < 0.06:
            event, outcome = rng.choice(SC_IGNORED), None
        else:
            kind = rng.choices(KINDS, [80, 10, 10])[0]
            event, outcome = rng.choice(SC_EVENTS[kind]), counted(seconds, kind, campaign)
        revenue = f"0,{rng.randrange(10**4):04d}" if event.lower() == "impression" else "0,00"
        entries.append((sc_row(sc_time(seconds, rng), event, campaign, rng.choice(SC_COUNTRIES), revenue),
                        outcome or ignored(event)))
    t = lambda *a: utc_seconds(2026, 11, *a)
    sprinkle(rng, entries, [
        (b"21.11.2026 14:03;click;brand_lift;DE;0,00", rejected("bad_time")),
        (b"2026-11-21T10:00:00+01:00;impression;;DE;0,0012", rejected("empty_campaign")),
        (b"2026-11-21T10:00:01+01:00;impression", rejected("missing_field")),
        (b'2026-11-21T10:00:02+01:00;click;"Sale; 50%;DE;0,00', rejected("malformed")),
        (b"", BLANK),
    ])
    entries[0:0] = [
        (b"timestamp;event_type;campaign_id;country;revenue", HEADER),
        (b"2026-11-21T00:00:00+01:00;impression;Winterschlussverkauf;DE;0,0031",
         counted(t(20, 23, 0, 0), "impressions", "Winterschlussverkauf")),
        (b"2026-11-21T00:59:59.999+01:00;click;@home;AT;0,00", counted(t(20, 23, 59, 59), "clicks", "@home")),
        (b"2026-11-21T01:00:00+01:00;impression;@home;AT;0,0007", counted(t(21, 0, 0, 0), "impressions", "@home")),
    ]
    return {"partner-20261121.csv": (assemble(entries, b"\r\n", bom=True), entries)}


SEMICOLON_TOML = """\
# Deliberately empty: the ';'-delimited CSV with a header line is found by auto-detection,
# and tally run with no config at all must read it the same way.
"""


def check_semicolon(files):
    for name, (data, entries) in files.items():
        text = read_lines(data)[0].decode()
        delim = max(";,\t|", key=text.count)  # what auto-detection must find from the header line
        assert delim == ";", name
        got = judge_delimited(data, delim, True, None, None, UTC)
        assert got == [o for _, o in entries], name


# ---------------------------------------------------------------------------- independent reader

class Reject(Exception):
    pass


def read_lines(data):
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [l[:-1] if l.endswith(b"\r") else l for l in lines]


def split_row(text, delim):
    """Cells of an RFC 4180 row; raises Reject('malformed') on broken quoting."""
    cells, i, n = [], 0, len(text)
    while True:
        if i < n and text[i] == '"':
            m = re.compile(r'"((?:[^"]|"")*)"').match(text, i)
            if not m or (m.end() < n and text[m.end()] != delim):
                raise Reject("malformed")
            cells.append(m.group(1).replace('""', '"'))
            i = m.end()
        else:
            j = text.find(delim, i)
            j = n if j < 0 else j
            if '"' in text[i:j]:
                raise Reject("malformed")
            cells.append(text[i:j])
            i = j
        if i >= n:
            return cells
        i += 1


TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})[Tt \-](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?"
                     r"(Z|z|[+-]\d{2}(?::?\d{2})?)?", re.ASCII)


def seconds_of(text, zone):
    m = TIME_RE.fullmatch(text)
    if m:
        y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
        try:
            clock = datetime(y, mo, d, h, mi, min(s, 59))
        except ValueError:
            raise Reject("bad_time")
        z = m.group(7)
        if z is None:
            a, b = clock.replace(tzinfo=zone, fold=0), clock.replace(tzinfo=zone, fold=1)
            assert a.utcoffset() == b.utcoffset(), text  # no repeated or skipped clock times here
            seconds = int(a.timestamp())
        elif z in "Zz":
            seconds = int(clock.replace(tzinfo=UTC).timestamp())
        else:
            digits_ = z[1:].replace(":", "")
            minutes = int(digits_[:2]) * 60 + (int(digits_[2:]) if len(digits_) > 2 else 0)
            seconds = int(clock.replace(tzinfo=UTC).timestamp()) - (1 if z[0] == "+" else -1) * minutes * 60
    elif re.fullmatch(r"\d+(?:\.\d+)?", text, re.ASCII):
        seconds = int(text.partition(".")[0])
        for bound, scale in ((10**17, 10**9), (10**14, 10**6), (10**11, 1000)):
            if seconds >= bound:
                seconds //= scale
                break
    else:
        raise Reject("bad_time")
    if not MIN_SECONDS <= seconds < END_SECONDS:
        raise Reject("time_out_of_range")
    return seconds


def judge_delimited(data, delim, header, columns, fields, zone, fixed_type=None):
    """Fates of a delimited file's lines. fields None: the default names (as tally's aliases)."""
    out, names = [], columns
    for line in read_lines(data):
        if line.strip(b" \t\r") == b"":
            out.append(BLANK)
            continue
        text = line.decode("utf-8", "surrogateescape")
        if header and names is None:
            names = [n.strip(" \t") for n in split_row(text, delim)]
            out.append(HEADER)
            continue
        if fields is None:
            fields = {f: next(a for a in aliases if a in names) for f, aliases in (
                ("time", ("ts", "timestamp", "time", "event_time")), ("type", ("event", "event_type", "type")),
                ("campaign", ("campaign_id", "campaign", "cid")))}
        try:
            if "\0" in text:
                raise Reject("nul_byte")
            cells = split_row(text, delim)
            cell = lambda f: cells[names.index(fields[f])] if names.index(fields[f]) < len(cells) else None
            time, campaign = cell("time"), cell("campaign")
            type_value = fixed_type or cell("type")
            if not time or not type_value or campaign is None:
                raise Reject("missing_field")
            kind = TYPES.get(type_value.translate(ASCII_LOWER))
            if kind is None:
                out.append(ignored(type_value))
                continue
            if campaign == "":
                raise Reject("empty_campaign")
            try:
                campaign.encode("utf-8")
            except UnicodeEncodeError:
                raise Reject("invalid_utf8")
            out.append(counted(seconds_of(time, zone), kind, campaign))
        except Reject as r:
            out.append(rejected(r.args[0]))
    return out


# ---------------------------------------------------------------------------- main

README = '''\
# fixtures/formats

Generated by `python3 scripts/gen_format_fixtures.py` (deterministic; do not edit by hand; it
rewrites this folder completely). Each case has `logs/`, the `tally.toml` that reads them and
`expected/`: the day files (`YYYY-MM-DD.csv`, days in UTC) and `summary.json` a rollup of all of
`logs/` with that config must give. The expected output comes from the generator's own ledger of
each line's fate (checked by reading the files back with a small reader of each format), not
from running tally. Header lines are not in `lines` (`lines = counted + ignored + rejected +
blank`); `rejected_by_reason` lists only reasons that occur.

**admanager**: Google Ad Manager Data Transfer files of network 21700000:
`NetworkImpressions_`, `NetworkBackfillImpressions_` and `NetworkClicks_21700000_YYYYMMDD_HH.gz`
for the New York hours 22 and 23 of 2026-11-21 and 00 and 01 of 2026-11-22 (all of them
03:00-07:00 UTC on 2026-11-22). `^`-delimited with a header line; `Time` (`YYYY-MM-DD-HH:MM:SS`)
is New York time and `TimeUsec2` the same instant in epoch microseconds; `OrderId` is the
campaign; the type comes from the file name (`[[sources]]`). `NetworkClicks_..._20261122_01.gz`
holds only its header. Rejects: empty `OrderId` (`empty_campaign`), one row bad in both `Time`
and `TimeUsec2` (`bad_time`); four rows have a quoted `Domain` holding a `^`. `tally-usec.toml`
reads `TimeUsec2` instead of `Time` and must give the same `expected/`.

**access**: nginx combined logs `access.log.1.gz` and `access.log`; events are pixel requests
`GET /px?ev=TYPE&cmp=CAMPAIGN` (parameters in any order, extra ones, `+` or `%20` for a space,
`%2B` a plus, `%2C` a comma, percent-encoded UTF-8 in either case of hex), offsets other than
`+0000` putting some lines on another UTC day than their local one. Ignored: `ev=conversion`
and requests outside `/px` (`/`, `/index.html`, `POST /api/x`, `/pxx?...`), counted in
`ignored_types` as `"(outside /px)"`. Rejects: no `cmp` or no `ev` (`missing_field`), `cmp=`
(`empty_campaign`), `cmp=%zz` and lines that are not access-log lines (`malformed`), `cmp=%FF`
(`invalid_utf8`). Two blank lines.

**headerless**: `export-20261121.psv` (LF) and `export-20261122.psv.gz` (CRLF), `|`-delimited
without a header line, columns `event_time|event|campaign|country|placement` named in the config.
Times `YYYY-MM-DD HH:MM:SS.fff` without a zone (UTC) or with `Z` (two with `+01:00`); quoted cells
holding `|` and doubled quotes (`"say ""hi"""`). Rejects: a short row and an empty event
(`missing_field`), an empty campaign, hour 24 (`bad_time`), a year 1999 time
(`time_out_of_range`), an unclosed quote (`malformed`).

**semicolon**: `partner-20261121.csv`, a European partner's export: UTF-8 BOM, CRLF, header
`timestamp;event_type;campaign_id;country;revenue`, `;`-delimited with decimal commas in
`revenue`, times with `+01:00`/`+0100`/`Z` so the first local hour falls on 2026-11-20 UTC;
campaigns holding `, ` (quoted in the output), `;` (quoted in the input), non-ASCII and a leading
`@` (guarded in the output). Its `tally.toml` is empty apart from a comment: the format must be
found by auto-detection, and a run without any config must give the same `expected/`.
'''

CASES = [
    ("admanager", make_admanager, {"tally.toml": AM_TOML.format(time="Time"),
                                   "tally-usec.toml": AM_TOML.format(time="TimeUsec2")},
     lambda f: (check_admanager(f, "Time"), check_admanager(f, "TimeUsec2"))),
    ("access", make_access, {"tally.toml": ACCESS_TOML}, check_access),
    ("headerless", make_headerless, {"tally.toml": HEADERLESS_TOML}, check_headerless),
    ("semicolon", make_semicolon, {"tally.toml": SEMICOLON_TOML}, check_semicolon),
]


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    (OUT / "README.md").write_text(README)
    total = 0
    for case, make, configs, check in CASES:
        files = make()
        check(files)
        (OUT / case / "logs").mkdir(parents=True)
        for name, (data, _) in sorted(files.items()):
            (OUT / case / "logs" / name).write_bytes(data)
        for name, text in configs.items():
            (OUT / case / name).write_text(text)
        acc, days, headers = ledger(o for name in sorted(files) for _, o in files[name][1])
        write_expected(OUT / case / "expected", acc, days)
        size = sum(p.stat().st_size for p in (OUT / case).rglob("*") if p.is_file())
        total += size
        reasons = ", ".join(f"{r} {n}" for r, n in acc["rejected_by_reason"].items())
        print(f"{case}: {len(files)} files, {acc['lines']} lines (+{headers} header) = counted {acc['counted']}"
              f" + ignored {acc['ignored']} + rejected {acc['rejected']} + blank {acc['blank']}; "
              f"events {'/'.join(str(acc['events'][k]) for k in KINDS)}; rejected: {reasons}; "
              f"days {', '.join(sorted(days))}; {size} bytes")
    print(f"fixtures/formats: {total} bytes in all", file=sys.stderr)


if __name__ == "__main__":
    main()
