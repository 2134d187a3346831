#!/usr/bin/env python3
"""Integration test of scripts/spark_rollup.py: Spark in local mode (local[2]) against
`tally rollup` over the same inputs, byte for byte (day files) and key for key (summary).

    python3 scripts/spark_rollup_test.py [TALLY]

Needs pyspark (PyPI) and Java 17 or later. Where either is missing it prints why and that it
skipped, and exits 0: `make test` runs it on machines without them too, and says so.
"""

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def skip_reason():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install pyspark)"
    if not shutil.which("java"):
        return "no java on PATH (Spark needs Java 17 or later)"
    if not shutil.which("spark-submit"):
        return "pyspark is installed but spark-submit is not on PATH"
    return None


def summary_without_times(path):
    with open(path) as handle:
        summary = json.load(handle)
    for key in ("started", "finished"):
        summary.pop(key, None)
    return summary


def check(name, tally, scratch, spark_inputs, rollup_inputs, options, files_per_task):
    spark_out, single_out = os.path.join(scratch, name, "spark"), os.path.join(scratch, name, "single")
    spark_summary, single_summary = spark_out + ".json", single_out + ".json"
    environment = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    spark = subprocess.run(
        ["spark-submit", "--master", "local[2]", "--conf", "spark.ui.enabled=false", "--files", tally,
         os.path.join(ROOT, "scripts", "spark_rollup.py"), *spark_inputs, "--out", spark_out,
         "--summary-json", spark_summary, "--files-per-task", str(files_per_task), *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
    single = subprocess.run([tally, "rollup", *rollup_inputs, "--out", single_out, "--summary-json", single_summary,
                             *options], stderr=subprocess.PIPE)
    problems = []
    if spark.returncode != single.returncode:
        problems.append(f"exit {spark.returncode} from Spark, {single.returncode} from tally rollup\n"
                        + spark.stderr.decode("utf-8", "replace")[-3000:])
    else:
        days = sorted(name for name in os.listdir(single_out) if name.endswith(".csv"))
        if not days:
            problems.append("tally rollup wrote no day file")
        if sorted(name for name in os.listdir(spark_out) if name.endswith(".csv")) != days:
            problems.append("the day files differ in name")
        else:
            match, mismatch, errors = filecmp.cmpfiles(single_out, spark_out, days, shallow=False)
            if mismatch or errors:
                problems.append(f"day files differ: {mismatch + errors}")
        if summary_without_times(spark_summary) != summary_without_times(single_summary):
            problems.append("the summaries differ")
    print(f"spark_rollup_test: {name}: " + ("ok" if not problems else "FAILED"))
    for problem in problems:
        print("  " + problem)
    return not problems


def main():
    tally = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "tally"))
    reason = skip_reason()
    if reason:
        print(f"spark_rollup_test: SKIPPED: {reason}")
        return 0
    logs = os.path.join(ROOT, "fixtures", "logs")
    damaged = os.path.join(ROOT, "fixtures", "gzip", "truncated-mid-stream.gz")
    keys = os.path.join(ROOT, "fixtures", "keys")
    admanager = os.path.join(ROOT, "fixtures", "formats", "admanager", "logs")
    with tempfile.TemporaryDirectory(prefix="tally-spark-") as scratch:
        results = [
            # A glob and a damaged file: three tasks, and the same exit status (65) and summary
            # (whose files a merge lists in path order: so are the rollup's inputs given).
            check("sample logs", tally, scratch, [logs + "/*", damaged], [damaged, logs],
                  ["--tz", "America/New_York"], files_per_task=3),
            # Wider keys by the hour, one file a task: the partials meet in the tree merge.
            check("keys by the hour", tally, scratch, [keys], [keys],
                  ["--tz", "America/New_York", "--by", "campaign,placement,device", "--granularity", "hour"],
                  files_per_task=1),
            # Ad Manager files read through a config, with distinct users: sketches merge in the tree.
            check("ad manager, config, uniques", tally, scratch, [admanager], [admanager],
                  ["--config", os.path.join(admanager, "..", "tally.toml"), "--uniques", "UserId"],
                  files_per_task=4),
            # Users as the id: many events repeat one of their day and type; ids merge in the tree.
            check("sample logs, dedupe", tally, scratch, [logs], [logs], ["--dedupe", "user_id"], files_per_task=2),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
