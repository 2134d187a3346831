#!/usr/bin/env python3
"""Regenerate everything under fixtures/ (deterministic: rerunning gives identical bytes).

    python3 scripts/gen_fixtures.py

fixtures/logs/      sample ad-server logs (what `make rollup` runs on); all valid gzip/plain
fixtures/expected/  rollups of fixtures/logs by scripts/reference_rollup.py (UTC, America/New_York)
fixtures/gzip/      gzip conformance corpus: payload.jsonl, variants, MANIFEST.tsv

The log generator also keeps its own ledger of what every line it wrote should count as,
and cross-checks the reference's output against it, so the expected files are confirmed
by two independent routes. The gzip corpus is checked against a strict RFC 1952 decoder
written here. Tool-made gzip variants (gzip, pigz, bgzip, zopfli, busybox) and the
bzip2/xz/zstd files are skipped with a warning when the tool is missing.
Standard library only.
"""
import csv
import io
import json
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures"
REFERENCE = ROOT / "scripts" / "reference_rollup.py"
SEED = "tally-fixtures-v1"
DAY0 = 1795132800  # 2026-11-20T00:00:00Z; logs span DAY0 .. DAY0 + 3 days

# ---------------------------------------------------------------------------- campaigns & events

CAMPAIGNS = ["spring_sale", "brand_lift", "Zulu", "acme, inc.", 'say "hi"', "café", "=SUM(A1:A9)", 4711]
CAMPAIGN_WEIGHTS = [25, 15, 10, 10, 8, 10, 7, 15]
KINDS = ["impressions", "clicks", "video_views"]
KIND_WEIGHTS = [80, 7, 13]
SPELLINGS = {
    "impressions": ["impression", "imp", "impr", "IMPRESSION", "Impression", "IMP"],
    "clicks": ["click", "clk", "Click", "CLICK", "Clk"],
    "video_views": ["video_view", "videoview", "video_start", "start", "VideoView", "Video_Start", "START"],
}
IGNORED_TYPES = ["conversion", "Conversion", "bid_request", "win_notice", "viewable",
                 "click_through", "impression_pixel"]
OFFSETS = [("+05:30", 330), ("-08:00", -480), ("+01:00", 60), ("-03:00", -180), ("+09:00", 540),
           ("-05:00", -300), ("+0100", 60), ("-0930", -570), ("+14:00", 840), ("-11:00", -660),
           ("+00:00", 0)]
PLACEMENTS = ["homepage_top", "article_inline", "sidebar", "preroll", "app_interstitial"]
TIME_KEYS = ["ts", "timestamp", "time", "event_time"]
TYPE_KEYS = ["event", "event_type", "type"]
CAMPAIGN_KEYS = ["campaign_id", "campaign", "cid"]


def counted(seconds, kind, campaign):
    return ("counted", seconds, kind, str(campaign))


IGNORED, BLANK = ("ignored",), ("blank",)


def rejected(reason):
    return ("rejected", reason)


def iso(seconds, offset_text="Z", offset_minutes=0, fraction=""):
    local = datetime.fromtimestamp(seconds + offset_minutes * 60, timezone.utc)
    return local.strftime("%Y-%m-%dT%H:%M:%S") + ("." + fraction if fraction else "") + offset_text


class EventMaker:
    """Random but valid event lines, each paired with the outcome it must have."""

    def __init__(self, rng, time_styles, key_sets=None, spaced=False, extras=True):
        self.rng, self.time_styles, self.key_sets = rng, time_styles, key_sets
        self.spaced, self.extras = spaced, extras

    def digits(self, lo, hi):
        return "".join(self.rng.choice("0123456789") for _ in range(self.rng.randint(lo, hi)))

    def time_text(self, seconds):
        """(JSON value text, CSV cell text) for this instant, style picked at random."""
        rng, style = self.rng, self.rng.choice(self.time_styles)
        fraction = self.digits(1, 9) if rng.random() < 0.3 else ""
        if style == "iso_z":
            s = iso(seconds, "Z", 0, fraction)
        elif style == "iso_offset":
            text, minutes = rng.choice(OFFSETS)
            s = iso(seconds, text, minutes, fraction)
        elif style == "epoch_s":
            return str(seconds), str(seconds)
        elif style == "epoch_ms":
            ms = str(seconds * 1000 + rng.randrange(1000))
            return ms, ms
        elif style == "epoch_s_str":
            return f'"{seconds}"', str(seconds)
        elif style == "epoch_ms_str":
            ms = str(seconds * 1000 + rng.randrange(1000))
            return f'"{ms}"', ms
        elif style == "epoch_float":
            s = f"{seconds}.{self.digits(1, 3)}"
            return s, s
        else:
            raise ValueError(style)
        return json.dumps(s), s

    def campaign(self):
        return self.rng.choices(CAMPAIGNS, CAMPAIGN_WEIGHTS)[0]

    def campaign_json(self, c):
        if c == 4711:
            return "4711" if self.rng.random() < 0.8 else '"4711"'
        if c == "café" and self.rng.random() < 0.15:
            return json.dumps(c)  # written as "caf\u00e9"
        return json.dumps(c, ensure_ascii=False)

    def pick_kind(self):
        """(type spelling, kind or None for an ignored type)."""
        if self.rng.random() < 0.04:
            return self.rng.choice(IGNORED_TYPES), None
        kind = self.rng.choices(KINDS, KIND_WEIGHTS)[0]
        return self.rng.choice(SPELLINGS[kind]), kind

    def keys(self):
        if self.key_sets:
            return self.rng.choice(self.key_sets)
        return (self.rng.choice(TIME_KEYS), self.rng.choice(TYPE_KEYS), self.rng.choice(CAMPAIGN_KEYS))

    def json_line(self, seconds=None):
        rng = self.rng
        if seconds is None:
            seconds = DAY0 + rng.randrange(3 * 86400)
        tk, ek, ck = self.keys()
        spelling, kind = self.pick_kind()
        c = self.campaign()
        pairs = [(tk, self.time_text(seconds)[0]), (ek, json.dumps(spelling)), (ck, self.campaign_json(c))]
        if self.extras:
            pairs.append(("user_id", json.dumps(f"u{rng.randrange(16**6):06x}")))
            if rng.random() < 0.5:
                pairs.append(("placement", json.dumps(rng.choice(PLACEMENTS))))
            if rng.random() < 0.3:
                pairs.append(("price", f"0.{rng.randrange(10**4):04d}"))
            if rng.random() < 0.05:  # nested look-alikes must not be picked up
                pairs.append(("meta", '{"campaign_id":"nested-decoy","ts":"not-a-time","event":"click"}'))
            if rng.random() < 0.3:
                rng.shuffle(pairs)
        sep, colon = (", ", ": ") if self.spaced else (",", ":")
        text = "{" + sep.join(f"{json.dumps(k)}{colon}{v}" for k, v in pairs) + "}"
        return text.encode("utf-8"), (counted(seconds, kind, c) if kind else IGNORED)


# ---------------------------------------------------------------------------- gzip helpers

def gz_member(data, level=6, name=None, comment=None, fhcrc=False, extra=None, mtime=0):
    """One RFC 1952 member, header written by hand."""
    flg, tail = 0, b""
    if fhcrc:
        flg |= 0x02
    if extra is not None:
        flg |= 0x04
        tail += struct.pack("<H", len(extra)) + extra
    if name is not None:
        flg |= 0x08
        tail += name + b"\0"
    if comment is not None:
        flg |= 0x10
        tail += comment + b"\0"
    xfl = {1: 4, 9: 2}.get(level, 0)
    header = b"\x1f\x8b\x08" + bytes([flg]) + struct.pack("<I", mtime) + bytes([xfl, 3]) + tail
    if fhcrc:
        header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = comp.compress(data) + comp.flush()
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def gz_members(data, cuts, level=6):
    bounds = [0] + sorted(cuts) + [len(data)]
    return b"".join(gz_member(data[a:b], level) for a, b in zip(bounds, bounds[1:]))


def strict_gunzip(data):
    """Strict multi-member RFC 1952 decoder; raises ValueError on anything doubtful.

    Accepts zero bytes of padding after a member; rejects reserved flag bits, a wrong
    FHCRC, truncation, bad CRC32/ISIZE and any other trailing bytes."""
    out, pos, members = [], 0, 0
    while pos < len(data):
        if members and not data[pos:].strip(b"\0"):
            break  # trailing zero padding
        start = pos
        if len(data) - pos < 10:
            raise ValueError("truncated header")
        if data[pos:pos + 2] != b"\x1f\x8b":
            raise ValueError(f"bad magic at {pos}")
        cm, flg = data[pos + 2], data[pos + 3]
        if cm != 8 or flg & 0xE0:
            raise ValueError("bad CM or reserved FLG bits")
        pos += 10
        if flg & 0x04:
            if len(data) < pos + 2:
                raise ValueError("truncated FEXTRA")
            pos += 2 + struct.unpack_from("<H", data, pos)[0]
        for bit in (0x08, 0x10):
            if flg & bit:
                end = data.find(b"\0", pos)
                if end < 0:
                    raise ValueError("unterminated FNAME/FCOMMENT")
                pos = end + 1
        if flg & 0x02:
            if len(data) < pos + 2:
                raise ValueError("truncated FHCRC")
            if struct.unpack_from("<H", data, pos)[0] != zlib.crc32(data[start:pos]) & 0xFFFF:
                raise ValueError("FHCRC mismatch")
            pos += 2
        if pos > len(data):
            raise ValueError("truncated header")
        d = zlib.decompressobj(-15)
        try:
            chunk = d.decompress(data[pos:])
        except zlib.error as e:
            raise ValueError(f"inflate: {e}")
        if not d.eof:
            raise ValueError("truncated deflate stream")
        rest = d.unused_data
        if len(rest) < 8:
            raise ValueError("truncated trailer")
        crc, isize = struct.unpack_from("<II", rest)
        if crc != zlib.crc32(chunk) or isize != len(chunk) & 0xFFFFFFFF:
            raise ValueError("CRC32/ISIZE mismatch")
        pos = len(data) - len(rest) + 8
        out.append(chunk)
        members += 1
    return b"".join(out)


def warn(msg):
    print(f"warning: {msg}", file=sys.stderr)


def run_tool(argv, path):
    """stdout of a compressor run on `path`, or None (with a warning) if it is missing."""
    if shutil.which(argv[0]) is None:
        warn(f"{argv[0]} not found, skipping")
        return None
    return subprocess.run(argv + [str(path)], check=True, stdout=subprocess.PIPE).stdout


# ---------------------------------------------------------------------------- fixtures/logs

def assemble(entries, rng, newline="lf", final_newline=True):
    """Join (line bytes, outcome) entries; newline is 'lf', 'crlf' or 'mixed'."""
    out = []
    for i, (line, _) in enumerate(entries):
        nl = {"lf": b"\n", "crlf": b"\r\n"}.get(newline) or rng.choice([b"\n", b"\r\n"])
        out.append(line + (nl if final_newline or i < len(entries) - 1 else b""))
    return b"".join(out)


def sprinkle(rng, entries, specials):
    for item in specials:
        entries.insert(rng.randrange(len(entries) + 1), item)
    return entries


def j(text, outcome):
    return (text.encode("utf-8") if isinstance(text, str) else text), outcome


def make_logs():
    """{file name: (bytes, [outcomes])}"""
    files = {}
    D20, D21, D22 = DAY0, DAY0 + 86400, DAY0 + 2 * 86400

    # a: ts/event/campaign_id, ISO Z, one member, LF, starts with a blank line
    rng = random.Random(SEED + ":a")
    em = EventMaker(rng, ["iso_z"], [("ts", "event", "campaign_id")])
    entries = [em.json_line(D20 + rng.randrange(86400)) for _ in range(520)]
    sprinkle(rng, entries, [
        j('{"ts":"2026-11-20T23:59:59.999999Z","event":"impression","campaign_id":"spring_sale"}',
          counted(D21 - 1, "impressions", "spring_sale")),
        j('{"ts":"2026-11-21T00:00:00Z","event":"impression","campaign_id":"brand_lift"}',
          counted(D21, "impressions", "brand_lift")),
        j('{"ts":"2026-11-20T10:00:00Z","event":"click","campaign_id":"spring_sale"', rejected("malformed")),
        j("ts=2026-11-20T10:00:00Z event=click campaign_id=spring_sale", rejected("malformed")),
        j('{"ts":"2026-11-20T12:00:00Z","event":"","campaign_id":"brand_lift"}', IGNORED),
    ])
    entries.insert(0, (b"", BLANK))
    files["ad-server-a-20261120.jsonl.gz"] = (gz_member(assemble(entries, rng)), entries)

    # b: timestamp/type/cid, ISO with offsets crossing midnight, 3 members cut mid-line and mid-UTF-8
    rng = random.Random(SEED + ":b")
    em = EventMaker(rng, ["iso_offset", "iso_offset", "iso_z"], [("timestamp", "type", "cid")])
    entries = [em.json_line() for _ in range(520)]
    sprinkle(rng, entries, [
        j('{"timestamp":"2026-11-20T08:00:00Z","type":"impression","user_id":"u1"}', rejected("missing_field")),
        j('{"timestamp":"2026-11-20T08:00:01Z","type":"impression","meta":{"cid":"spring_sale"}}',
          rejected("missing_field")),
        j('{"timestamp":"2026-11-20T08:00:02Z","type":"click","cid":null}', rejected("missing_field")),
        # No zone: read in UTC, tally's default input zone.
        j('{"timestamp":"2026-11-21T10:00:00","type":"click","cid":"brand_lift"}',
          counted(D21 + 36000, "clicks", "brand_lift")),
        j('{"timestamp":"21/11/2026 10:00","type":"click","cid":"brand_lift"}', rejected("bad_time")),
        j('{"timestamp":"2026-11-21T01:30:00+05:00","type":"impression","cid":"Zulu"}',
          counted(D20 + 20 * 3600 + 1800, "impressions", "Zulu")),
        j('{"timestamp":"2026-11-20T21:00:00-05:00","type":"click","cid":"Zulu"}',
          counted(D21 + 2 * 3600, "clicks", "Zulu")),
        j('{"timestamp":"2026-11-20T10:00:00+0530","type":"imp","cid":"Zulu"}',
          counted(D20 + 4 * 3600 + 1800, "impressions", "Zulu")),
    ])
    data = assemble(entries, rng)
    mid_utf8 = data.index("café".encode()) + 4  # between the two bytes of "é"
    files["ad-server-b-20261120.jsonl.gz"] = (gz_members(data, [mid_utf8, len(data) * 2 // 3 + 7]), entries)

    # c: ts/event_type/campaign, epoch seconds & milliseconds (numbers and strings), CRLF
    rng = random.Random(SEED + ":c")
    em = EventMaker(rng, ["epoch_s", "epoch_ms", "epoch_s_str", "epoch_ms_str", "epoch_float"],
                    [("ts", "event_type", "campaign")])
    entries = [em.json_line() for _ in range(420)]
    sprinkle(rng, entries, [
        j('{"ts":0,"event_type":"impression","campaign":"spring_sale"}', rejected("time_out_of_range")),
        j('{"ts":"2101-01-01T00:00:00Z","event_type":"impression","campaign":"spring_sale"}',
          rejected("time_out_of_range")),
        j('{"ts":"2000-01-01T00:30:00+01:00","event_type":"impression","campaign":"spring_sale"}',
          rejected("time_out_of_range")),  # 1999-12-31T23:30Z as a UTC instant
        j('{"ts":99999999999,"event_type":"impression","campaign":"spring_sale"}',
          rejected("time_out_of_range")),  # below 1e11, so seconds: year 5138
        j('{"ts":true,"event_type":"impression","campaign":"spring_sale"}', rejected("bad_time")),
        j('{"ts":1795219199.9,"event_type":"impression","campaign":"brand_lift"}',
          counted(D21 - 1, "impressions", "brand_lift")),
        j('{"ts":1795305599999,"event_type":"video_view","campaign":"brand_lift"}',
          counted(D22 - 1, "video_views", "brand_lift")),
        j('{"ts":"1795219200000","event_type":"clk","campaign":"café"}', counted(D21, "clicks", "café")),
        (b"   ", BLANK), (b"\t", BLANK),
    ])
    files["ad-server-c-20261121.jsonl.gz"] = (gz_member(assemble(entries, rng, "crlf")), entries)

    # d: any alias per line, bad lines of most kinds, alias priority, 2 members
    rng = random.Random(SEED + ":d")
    em = EventMaker(rng, ["iso_z", "iso_offset", "epoch_s", "epoch_ms"])
    entries = [em.json_line(D21 + rng.randrange(86400)) for _ in range(420)]
    t = '"ts":"2026-11-21T09:00:00Z"'
    sprinkle(rng, entries, [
        j('{%s,"event":"impression","campaign_id":12.5}' % t, rejected("bad_campaign")),
        j('{%s,"event":"impression","campaign_id":true}' % t, rejected("bad_campaign")),
        j('{%s,"event":"impression","campaign_id":{"id":"spring_sale"}}' % t, rejected("bad_campaign")),
        j('{%s,"event":3,"campaign_id":"spring_sale"}' % t, rejected("bad_type")),
        j('{%s,"event":["click"],"campaign_id":"spring_sale"}' % t, rejected("bad_type")),
        j('{%s,"event":"impression","campaign_id":""}' % t, rejected("empty_campaign")),
        j(b'{"ts":"2026-11-21T09:00:00Z","event":"impression","campaign_id":"caf\xe9"}', rejected("invalid_utf8")),
        j('{%s,"event":"impression","campaign_id":"spring_sale","price":NaN}' % t, rejected("malformed")),
        j('{%s,"event":"impression","campaign_id":"spring_sale",}' % t, rejected("malformed")),
        j('[{%s,"event":"impression","campaign_id":"spring_sale"}]' % t, rejected("malformed")),
        # priority is by alias order, not position in the line
        j('{"type":"conversion","event":"click","ts":"2026-11-21T10:00:00Z","campaign_id":"brand_lift"}',
          counted(D21 + 10 * 3600, "clicks", "brand_lift")),
        j('{"time":"not a time","ts":"2026-11-21T11:00:00Z","event":"imp","campaign_id":"brand_lift"}',
          counted(D21 + 11 * 3600, "impressions", "brand_lift")),
        j('{"cid":"decoy","campaign":"decoy2","campaign_id":"spring_sale","ts":"2026-11-21T11:00:00Z",'
          '"event":"impression"}', counted(D21 + 11 * 3600, "impressions", "spring_sale")),
        j('{"ts":"2026-11-21T13:00:00Z","event":"impression","campaign_id":4711}',
          counted(D21 + 13 * 3600, "impressions", 4711)),
        j('{"ts":"2026-11-21T13:00:00Z","event":"click","campaign_id":"4711"}',
          counted(D21 + 13 * 3600, "clicks", 4711)),
        j('{"t\\u0073":"2026-11-21T14:00:00Z","event":"impression","campaign_id":"Zulu"}',
          counted(D21 + 14 * 3600, "impressions", "Zulu")),
    ])
    data = assemble(entries, rng)
    files["ad-server-d-20261121.jsonl.gz"] = (gz_members(data, [len(data) // 2]), entries)

    # e: any alias, blank lines, mixed LF/CRLF, spaced JSON, last line without newline
    rng = random.Random(SEED + ":e")
    em = EventMaker(rng, ["iso_z", "iso_offset", "epoch_s", "epoch_ms_str"], spaced=True)
    entries = [em.json_line(D22 + rng.randrange(86400)) for _ in range(330)]
    sprinkle(rng, entries, [(rng.choice([b"", b" ", b"  \t ", b"\r"]), BLANK) for _ in range(14)])
    entries.append(j('{"ts": "2026-11-22T18:00:00Z", "event": "impression", "campaign_id": "café"}',
                     counted(D22 + 18 * 3600, "impressions", "café")))
    files["ad-server-e-20261122.jsonl.gz"] = (gz_member(assemble(entries, rng, "mixed", False)), entries)

    # f: midnight edges (UTC and New York), 4 members
    rng = random.Random(SEED + ":f")
    em = EventMaker(rng, ["iso_z", "iso_offset", "epoch_float", "epoch_ms"],
                    [("event_time", "event", "campaign_id"), ("time", "type", "cid"), ("ts", "event", "cid")])
    entries = [em.json_line(rng.choice([D21, D22, D22 + 86400]) + rng.randrange(-7200, 7200))
               for _ in range(300)]
    entries = [e for e in entries if e[1] == IGNORED or D20 <= e[1][1] < D22 + 86400]
    sprinkle(rng, entries, [
        j('{"event_time":"2026-11-22T00:00:00+0000","event":"video_start","campaign_id":"=SUM(A1:A9)"}',
          counted(D22, "video_views", "=SUM(A1:A9)")),
        j('{"event_time":"2026-11-21T23:59:59.999999999-00:00","event":"impression","campaign_id":"=SUM(A1:A9)"}',
          counted(D22 - 1, "impressions", "=SUM(A1:A9)")),
        j('{"ts":"2026-11-22T05:59:59.9+06:00","event":"impression","cid":"acme, inc."}',
          counted(D22 - 1, "impressions", "acme, inc.")),
        j('{"time":"2026-11-22T04:59:59Z","type":"impression","cid":"caf\\u00e9"}',
          counted(D22 + 5 * 3600 - 1, "impressions", "café")),  # New York: 2026-11-21 23:59:59
        j('{"time":"2026-11-22T05:00:00Z","type":"impression","cid":"caf\\u00e9"}',
          counted(D22 + 5 * 3600, "impressions", "café")),  # New York: 2026-11-22 00:00:00
        j('{"ts":1795305600000.9,"event":"click","cid":"say \\"hi\\""}',
          counted(D22, "clicks", 'say "hi"')),
    ])
    data = assemble(entries, rng)
    n = len(data)
    files["ad-server-f-20261122.jsonl.gz"] = (gz_members(data, [n // 4 + 3, n // 2 - 5, 3 * n // 4]), entries)

    # CSV (gzip, CRLF): RFC 4180 quoting, extra columns, event_time/event_type/campaign
    rng = random.Random(SEED + ":csv")
    em = EventMaker(rng, ["iso_z", "iso_offset", "epoch_s", "epoch_ms"])

    def cell(value, force=False):
        if force or any(ch in value for ch in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    entries = []
    for _ in range(320):
        seconds = D21 + rng.randrange(86400)
        spelling, kind = em.pick_kind()
        c = em.campaign()
        note = rng.choice(["", "ok", 'he said "wow", twice', "a,b,c", "plain note"])
        row = ",".join([cell(em.time_text(seconds)[1]), cell(spelling, rng.random() < 0.1),
                        cell(str(c), rng.random() < 0.2), rng.choice(PLACEMENTS), cell(note)])
        entries.append(j(row, counted(seconds, kind, c) if kind else IGNORED))
    sprinkle(rng, entries, [
        j('2026-11-21T10:00:00Z,click,"acme, inc.,sidebar,unterminated', rejected("malformed")),
        j('2026-11-21T10:00:00Z,click,Zulu,sidebar,bare"quote', rejected("malformed")),
    ])
    header = (b"event_time,event_type,campaign,placement,note", None)
    files["partner-export-20261121.csv.gz"] = (gz_member(assemble([header] + entries, rng, "crlf")), entries)

    # TSV (plain, LF): ts wins over an earlier "time" column holding zone-less decoys
    rng = random.Random(SEED + ":tsv")
    em = EventMaker(rng, ["iso_z", "iso_offset", "epoch_s"])
    entries = []
    for _ in range(220):
        seconds = D22 + rng.randrange(86400)
        spelling, kind = em.pick_kind()
        c = em.campaign()
        camp = '"say ""hi"""' if c == 'say "hi"' else ('"Zulu"' if c == "Zulu" and rng.random() < 0.5 else str(c))
        decoy = datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        row = "\t".join([decoy, em.time_text(seconds)[1], spelling, camp, rng.choice(["US", "DE", "FR", "JP"])])
        entries.append(j(row, counted(seconds, kind, c) if kind else IGNORED))
    sprinkle(rng, entries, [
        (b"", BLANK),
        j('2026-11-22 10:00:00\t2026-11-22T10:00:00Z\tclick\t"say "hi""\tUS', rejected("malformed")),
    ])
    header = (b"time\tts\tevent\tcid\tcountry", None)
    files["partner-export-20261122.tsv"] = (assemble([header] + entries, rng, "lf"), entries)
    return {name: (data, [o for _, o in entries]) for name, (data, entries) in files.items()}


# ---------------------------------------------------------------------------- ledger cross-check

def ledger(outcomes, tz):
    acc = {"lines": 0, "counted": 0, "ignored": 0, "rejected": 0, "blank": 0,
           "events": Counter(), "rejected_by_reason": Counter()}
    days = defaultdict(Counter)
    zone = ZoneInfo(tz)
    for o in outcomes:
        acc["lines"] += 1
        acc[o[0]] += 1
        if o[0] == "rejected":
            acc["rejected_by_reason"][o[1]] += 1
        elif o[0] == "counted":
            _, seconds, kind, campaign = o
            acc["events"][kind] += 1
            day = datetime.fromtimestamp(seconds, zone).date().isoformat()
            days[day][(campaign, kind)] += 1
    return acc, days


def check_against_ledger(out_dir, summary, outcomes, tz):
    acc, days = ledger(outcomes, tz)
    for key in ("lines", "counted", "ignored", "rejected", "blank"):
        assert summary[key] == acc[key], (tz, key, summary[key], acc[key])
    assert {k: v for k, v in summary["events"].items() if v} == dict(acc["events"]), tz
    assert {k: v for k, v in summary["rejected_by_reason"].items() if v} == dict(acc["rejected_by_reason"]), tz
    written = sorted(p.stem for p in out_dir.glob("*.csv"))
    assert written == sorted(days), (tz, written, sorted(days))
    for day, counts in days.items():
        raw = (out_dir / f"{day}.csv").read_bytes()
        assert b"\r" not in raw and raw.endswith(b"\n")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
        assert rows[0] == ["date", "campaign_id", "impressions", "clicks", "video_views"]
        got = Counter()
        for date, campaign, *numbers in rows[1:]:
            assert date == day
            if campaign[:1] == "'" and campaign[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                campaign = campaign[1:]
            for kind, n in zip(KINDS, numbers):
                if int(n):
                    got[(campaign, kind)] = int(n)
        assert got == counts, (tz, day)
        campaigns = [r[1] for r in rows[1:]]
        assert campaigns == sorted(campaigns, key=lambda c: c.lstrip("'").encode()), (tz, day)


# ---------------------------------------------------------------------------- fixtures/gzip

def make_payload():
    rng = random.Random(SEED + ":payload")
    em = EventMaker(rng, ["iso_z", "iso_offset", "epoch_s", "epoch_ms", "epoch_float"])
    lines, size = [], 0
    while size < 300_000:
        line = em.json_line()[0] + b"\n"
        lines.append(line)
        size += len(line)
    return b"".join(lines)


def make_gzip_corpus(out, committed=None):
    payload = make_payload()
    (out / "payload.jsonl").write_bytes(payload)
    manifest = []  # (file, expect, note)

    def add(name, data, expect, note):
        # A variant whose tool is missing here keeps its committed copy (checked below like the
        # rest), so regenerating on a machine without bgzip or busybox does not drop it.
        if data is None and committed and name in committed:
            warn(f"kept the committed {name}")
            data = committed[name]
        if data is None:
            return
        (out / name).write_bytes(data)
        manifest.append((name, expect, note))

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "payload.jsonl"
        src.write_bytes(payload)
        half = payload.index("café".encode(), len(payload) // 2) + 4  # split inside "é"
        (Path(tmp) / "a").write_bytes(payload[:half])
        (Path(tmp) / "b").write_bytes(payload[half:])

        add("gzip-6.gz", run_tool(["gzip", "-6", "-n", "-c"], src), "ok", "single member, GNU gzip -6 -n")
        a, b = run_tool(["gzip", "-n", "-c"], Path(tmp) / "a"), run_tool(["gzip", "-n", "-c"], Path(tmp) / "b")
        add("cat-two-halves.gz", a + b if a and b else None, "ok",
            "cat a.gz b.gz; halves split inside a UTF-8 sequence")
        add("pigz.gz", run_tool(["pigz", "-n", "-c"], src), "ok", "pigz (128K blocks with sync flushes)")
        add("pigz-independent.gz", run_tool(["pigz", "-n", "-i", "-c"], src), "ok",
            "pigz -i: independent blocks")
        add("bgzip.gz", run_tool(["bgzip", "-c"], src), "ok",
            "BGZF: many members with FEXTRA 'BC' subfield, empty EOF member at the end")
        add("zopfli.gz", run_tool(["zopfli", "--i5", "-c"], src), "ok", "zopfli --i5")
        bb = None
        if shutil.which("busybox"):
            bb = subprocess.run(["busybox", "gzip", "-c"], input=payload, check=True,
                                stdout=subprocess.PIPE).stdout
            bb = bb[:4] + b"\0\0\0\0" + bb[8:]  # zero MTIME for determinism (no FHCRC present)
        else:
            warn("busybox not found, skipping")
        add("busybox.gz", bb, "ok", "busybox gzip")

    add("fname-fcomment.gz",
        gz_member(payload, 9, name=b"payload.jsonl", comment="exported by tally fixtures, café".encode("latin-1")),
        "ok", "FNAME and FCOMMENT set (latin-1 comment), level 9")
    add("fhcrc.gz", gz_member(payload, fhcrc=True, name=b"payload.jsonl"), "ok", "FHCRC set with correct header CRC16")
    add("fextra.gz", gz_member(payload, extra=b"XY\x04\x00abcd"), "ok", "FEXTRA with an unknown subfield")
    add("empty-member-middle.gz", gz_member(payload[:half]) + gz_member(b"") + gz_member(payload[half:]), "ok",
        "three members, the middle one empty")
    add("many-members.gz", gz_members(payload, range(4093, len(payload), 4093)), "ok",
        "a member every 4093 bytes (cuts mid-line)")
    add("stored.gz", gz_member(payload, 0), "ok", "level 0: stored blocks only")
    add("zero-padding.gz", gz_member(payload) + b"\0" * 1000, "ok", "1000 zero bytes after the last member")
    add("empty-20-bytes.gz", gz_member(b""), "empty", "20-byte gzip of nothing")
    add("empty-two-members.gz", gz_member(b"") + gz_member(b""), "empty", "two empty members")
    add("zero-bytes.gz", b"", "empty", "zero-byte file")

    base = gz_member(payload)
    body_start = 10
    two = gz_member(payload[:half]) + gz_member(payload[half:])
    second = len(gz_member(payload[:half]))

    def patch(data, offset, fn):
        b = bytearray(data)
        b[offset] = fn(b[offset])
        return bytes(b)

    isize = struct.unpack_from("<I", base, len(base) - 4)[0]
    fh = gz_member(payload, fhcrc=True)
    add("truncated-mid-stream.gz", base[:len(base) // 2], "corrupt", "cut in the middle of the deflate data")
    add("truncated-in-trailer.gz", base[:-3], "corrupt", "cut inside the 8-byte trailer")
    add("truncated-in-header.gz", base[:6], "corrupt", "cut inside the 10-byte header")
    add("bad-crc32.gz", patch(base, len(base) - 8, lambda x: x ^ 0x01), "corrupt", "CRC32 off by one bit")
    add("bad-isize.gz", base[:-4] + struct.pack("<I", isize + 1), "corrupt", "ISIZE one too large")
    add("damaged-deflate.gz", patch(base, body_start + (len(base) - 18) // 2, lambda x: x ^ 0xFF), "corrupt",
        "one byte in the middle of the deflate data inverted")
    add("reserved-flags.gz", patch(base, 3, lambda x: x | 0x20), "corrupt", "reserved FLG bit 5 set")
    add("bad-fhcrc.gz", patch(fh, 10, lambda x: x ^ 0xFF), "corrupt", "FHCRC present but wrong")
    add("trailing-garbage.gz", base + b"this is not gzip\n", "corrupt", "text after the last member")
    add("zeros-then-garbage.gz", base + b"\0" * 16 + b"junk", "corrupt", "zero padding, then non-zero bytes")
    add("second-member-bad-header.gz", patch(two, second + 2, lambda x: 7), "corrupt",
        "second member's CM byte is 7 instead of 8")
    add("second-member-bad-magic.gz", patch(two, second + 1, lambda x: 0x8c), "corrupt",
        "second member starts 1f 8c")

    for tool, ext, argv in (("bzip2", "bz2", ["bzip2", "-9", "-c"]), ("xz", "xz", ["xz", "-6", "-c"]),
                            ("zstd", "zst", ["zstd", "-q", "-19", "--no-progress", "-c"])):
        data = None
        if shutil.which(tool):
            data = subprocess.run(argv, input=payload, check=True, stdout=subprocess.PIPE).stdout
        else:
            warn(f"{tool} not found, skipping")
        add(f"payload.jsonl.{ext}", data, "unsupported", f"{tool} of the payload")

    # self-check every entry against the strict decoder (and Python's gzip module for good ones)
    import gzip as gzip_module
    for name, expect, _ in manifest:
        data = (out / name).read_bytes()
        if expect in ("ok", "empty"):
            want = payload if expect == "ok" else b""
            assert strict_gunzip(data) == want, name
            assert not data or gzip_module.decompress(data) == want, name
        elif expect == "corrupt":
            try:
                strict_gunzip(data)
            except ValueError:
                pass
            else:
                raise AssertionError(f"{name} decoded although marked corrupt")
        else:
            assert data[:2] != b"\x1f\x8b", name
    with open(out / "MANIFEST.tsv", "w", newline="\n") as f:
        f.write("file\texpect\tnote\n")
        for row in manifest:
            f.write("\t".join(row) + "\n")
    return len(manifest)


# ---------------------------------------------------------------------------- main

README = """\
# fixtures

Generated by `python3 scripts/gen_fixtures.py` (deterministic; do not edit by hand).

- `logs/` - sample ad-server logs that `make rollup` runs on: gzip JSON Lines (some multi-member,
  members cut mid-line and mid-UTF-8), one gzip CSV, one plain TSV; events on 2026-11-20..22 UTC,
  plus blank, ignored and rejected lines (every reject reason except `nul_byte`). All valid gzip.
- `expected/utc/`, `expected/america_new_york/` - the day CSVs and `summary.json` (accounting) that
  `scripts/reference_rollup.py --tz UTC|America/New_York` produces for `logs/`.
- `keys/` - two plain logs for `--by` and `--granularity hour`: both New York clock changes of
  2026 and key cells of every kind; `expected/keys_by_hour/` is the reference's rollup of them
  with `--tz America/New_York --by campaign,placement,device --granularity hour`. Regenerate
  these alone with `python3 scripts/gen_fixtures.py keys`.
- `gzip/` - gzip conformance corpus: `payload.jsonl` and variants of it. `MANIFEST.tsv` lists
  `file`, `expect` (`ok` = decodes to exactly payload.jsonl, `empty` = decodes to zero bytes,
  `corrupt` = must be refused, `unsupported` = bzip2/xz/zstd) and a note. Compressed variants
  are ~50-85 KB (stored.gz 300 KB), so give the decoder a small input buffer (a few KiB) in tests
  to make members and trailers straddle buffer boundaries.

Regenerate: `python3 scripts/gen_fixtures.py`. Variants made by external tools (gzip, pigz, bgzip,
zopfli, busybox, bzip2, xz, zstd) are skipped with a warning when the tool is missing, so regenerate
where they are all installed. Tool-made and zlib-made bytes can differ across tool/zlib versions.
"""


KEYS_OPTIONS = ["--tz", "America/New_York", "--by", "campaign,placement,device", "--granularity", "hour"]


def make_key_logs():
    """Plain logs for --by and --granularity hour: both New York clock changes of 2026 (a
    repeated and a skipped hour) and key cells of every kind (numbers, literals, null, absent,
    escapes, formula starts, commas and quotes, NUL, lone surrogates, invalid UTF-8)."""
    def line(ts, event, campaign, placement=None, raw=None, device=None):
        members = [f'"ts":"{ts}"', f'"event":"{event}"', f'"campaign_id":"{campaign}"']
        if raw is not None:
            members.append(f'"placement":{raw}')
        elif placement is not None:
            members.append(f'"placement":{json.dumps(placement)}')
        if device is not None:
            members.append(f'"device":"{device}"')
        return ("{" + ",".join(members) + "}").encode()
    fall = ["2026-11-01T04:59:59Z", "2026-11-01T05:10:00Z", "2026-11-01T05:59:59Z", "2026-11-01T06:00:00Z",
            "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z"]
    spring = ["2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z"]
    lines = []
    for i, ts in enumerate(fall + spring):
        lines.append(line(ts, ("impression", "click", "video_view")[i % 3], "c1", "top", device="mobile"))
        lines.append(line(ts, "impression", "c2", "side"))
    t = "2026-11-01T06:15:00Z"
    for raw in ('42', '4.20', '-1', 'true', 'false', 'null', '""', '"=HYPERLINK(1)"', '"a,b"', '"say \\"hi\\""',
                '"line\\nbreak"', '"t\\u00f6p"', '"caf\xc3\xa9"'):
        lines.append(line(t, "impression", "c3", raw=raw.encode("latin-1").decode("utf-8")))
    lines.append(line(t, "click", "c3"))  # no placement: an empty cell
    lines.append(b'{"ts":"2026-11-01T06:15:00Z","event":"click","campaign_id":"c3","placement":"first",'
                 b'"placement":"second","meta":{"device":"decoy"}}')
    lines.append(line(t, "impression", "c3", raw='"nul\\u0000"'))  # nul_byte
    lines.append(line(t, "impression", "c3", raw='"lone\\ud800"'))  # malformed
    lines.append(b'{"ts":"2026-11-01T06:15:00Z","event":"impression","campaign_id":"c3","placement":"bad\xff"}')
    lines.append(line(t, "conversion", "c3", raw='"nul\\u0000"'))  # ignored before the key is read
    jsonl = b"\n".join(lines) + b"\n"
    csv_rows = [b"ts,event,campaign_id,placement",
                b"2026-11-01T05:30:00Z,impression,c1,top",
                b"2026-11-01T06:30:00Z,impression,c1,\"top, right\"",
                b"2026-11-01T06:30:00Z,click,c1,\"say \"\"hi\"\"\"",
                b"2026-11-01T06:30:00Z,impression,c1",
                b"2026-11-01T06:30:00Z,impression,c1,+1",
                b"2026-11-01T06:30:00Z,impression,c1,bad\xfe"]
    return {"clock-changes.jsonl": jsonl, "clock-changes.csv": b"\n".join(csv_rows) + b"\n"}


def write_key_fixtures():
    """fixtures/keys/ and fixtures/expected/keys_by_hour/ alone: plain files, no tools needed."""
    for sub in ("keys", "expected/keys_by_hour"):
        shutil.rmtree(FIX / sub, ignore_errors=True)
        (FIX / sub).mkdir(parents=True)
    logs = make_key_logs()
    for name, data in logs.items():
        (FIX / "keys" / name).write_bytes(data)
    out_dir = FIX / "expected" / "keys_by_hour"
    res = subprocess.run([sys.executable, str(REFERENCE)] + KEYS_OPTIONS + ["--out", str(out_dir)]
                         + [str(FIX / "keys" / name) for name in sorted(logs)], check=True, stdout=subprocess.PIPE)
    (out_dir / "summary.json").write_bytes(res.stdout)


def main():
    if sys.argv[1:] == ["keys"]:
        write_key_fixtures()
        return
    committed_gzip = {p.name: p.read_bytes() for p in (FIX / "gzip").glob("*") if p.is_file()}
    for sub in ("logs", "expected", "gzip"):
        shutil.rmtree(FIX / sub, ignore_errors=True)
        (FIX / sub).mkdir(parents=True)
    (FIX / "README.md").write_text(README)

    logs = make_logs()
    outcomes = []
    for name, (data, outs) in sorted(logs.items()):
        (FIX / "logs" / name).write_bytes(data)
        outcomes += [o for o in outs if o is not None]
    paths = [str(FIX / "logs" / name) for name in sorted(logs)]

    for tz, sub in (("UTC", "utc"), ("America/New_York", "america_new_york")):
        out_dir = FIX / "expected" / sub
        res = subprocess.run([sys.executable, str(REFERENCE), "--tz", tz, "--out", str(out_dir)] + paths,
                             check=True, stdout=subprocess.PIPE)
        (out_dir / "summary.json").write_bytes(res.stdout)
        check_against_ledger(out_dir, json.loads(res.stdout), outcomes, tz)

    write_key_fixtures()
    n = make_gzip_corpus(FIX / "gzip", committed_gzip)
    size = sum(p.stat().st_size for p in (FIX / "logs").iterdir())
    print(f"fixtures/logs: {len(logs)} files, {size} bytes, {len(outcomes)} lines; "
          f"expected/ cross-checked against the generator's ledger; gzip/: {n} variants")


if __name__ == "__main__":
    main()
