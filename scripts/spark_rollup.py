#!/usr/bin/env python3
"""tally's rollup on Apache Spark: the day files `tally rollup` would write, from a cluster.

    spark-submit --master yarn --files /usr/local/bin/tally scripts/spark_rollup.py \\
        --out /data/rollups --tz America/New_York 'hdfs:///logs/2026-11-20/*.gz'

The driver lists the inputs (paths or globs, through Spark's own file systems: local, HDFS,
S3 ...), spreads them over the executors, and each task runs `tally map` on its share into one
partial rollup. The partials are merged in a tree on the executors (`tally merge --partial`),
and the driver writes the day files with `tally merge --out`. All the counting is tally's own:
this script moves files and bytes, and the bytes of the day files are those one machine writes.

The tally binary is the one shipped with `--files` (found with SparkFiles), else `--tally PATH`,
else `tally` on each machine's PATH. Local paths (file:) are read in place by the executors;
other inputs are copied to a task's scratch folder first, so the summary names those copies.

Exit status: tally merge's (0, or the sysexits status a `tally rollup` over the same inputs
would end with); 70 if a task failed for a reason outside tally (no binary, Spark's own).
"""

import argparse
import os
import shutil
import stat
import subprocess
import sys
import tempfile


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="log files, directories or globs")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the day files (on the driver)")
    parser.add_argument("--tally", metavar="PATH", help="the tally binary (default: --files, then PATH)")
    parser.add_argument("--files-per-task", type=int, default=8, metavar="N",
                        help="input files that one tally map reads (default: 8)")
    parser.add_argument("--summary-json", metavar="FILE", help="the merged run's summary (on the driver)")
    # Options that shape the rows go to tally map; those of the day files to the last merge.
    for option in ("--tz", "--by", "--uniques", "--dedupe", "--granularity", "--format", "--max-line-bytes", "--input-tz",
                   "--delimiter"):
        parser.add_argument(option)
    parser.add_argument("--config", metavar="FILE",
                        help="a tally config for reading the logs (ship it with --files too)")
    for flag in ("--bom", "--crlf", "--ratios", "--allow-empty"):
        parser.add_argument(flag, action="store_true")
    parser.add_argument("--max-reject-rate")
    return parser.parse_args(argv)


def shaping_options(args):
    """The `tally map` options that decide what a row is."""
    options = []
    for name in ("tz", "by", "uniques", "dedupe", "granularity", "format", "max_line_bytes", "input_tz", "delimiter"):
        value = getattr(args, name)
        if value is not None:
            options += ["--" + name.replace("_", "-"), value]
    return options


def day_file_options(args):
    options = [flag for flag, on in
               (("--bom", args.bom), ("--crlf", args.crlf), ("--ratios", args.ratios),
                ("--allow-empty", args.allow_empty)) if on]
    if args.max_reject_rate is not None:
        options += ["--max-reject-rate", args.max_reject_rate]
    if args.summary_json:
        options += ["--summary-json", args.summary_json]
    return options


def find_tally(explicit):
    """The tally binary on this machine: given, shipped with --files, or on PATH."""
    if explicit:
        return explicit
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get("tally")
        if os.path.isfile(shipped):
            # --files copies the bytes, not the mode.
            os.chmod(shipped, os.stat(shipped).st_mode | stat.S_IXUSR)
            return shipped
    except Exception:  # noqa: BLE001 - no SparkContext files here: fall back to PATH
        pass
    found = shutil.which("tally")
    if not found:
        raise RuntimeError("no tally binary: ship it with --files, give --tally PATH, or install it on PATH")
    return found


def run_tally(tally, arguments):
    """Runs tally; a partial it was asked for must exist afterwards, whatever its status (a
    damaged input makes it 65 and is recorded in the partial, as in a rollup)."""
    result = subprocess.run([tally] + arguments, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return result.returncode, result.stderr.decode("utf-8", "replace")


def list_inputs(spark, patterns):
    """Every file the patterns name, through Hadoop's file systems, in path order."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    found = []
    for pattern in patterns:
        path = jvm.org.apache.hadoop.fs.Path(pattern)
        fs = path.getFileSystem(conf)
        statuses = fs.globStatus(path)
        if statuses is None or len(statuses) == 0:
            raise FileNotFoundError(f"{pattern}: no such file or directory")
        for status in statuses:
            if status.isDirectory():
                # As tally reads a folder: every file below it, hidden names (and what is under them) skipped.
                top = status.getPath().toString().rstrip("/") + "/"
                files = fs.listFiles(status.getPath(), True)
                while files.hasNext():
                    name = files.next().getPath().toString()
                    if not any(part.startswith(".") for part in name[len(top):].split("/")):
                        found.append(name)
            else:
                found.append(status.getPath().toString())
    return sorted(set(found))


def local_path(uri):
    """The local path of a file: URI (or a plain path); None for other file systems."""
    if uri.startswith("file:"):
        path = uri[len("file:"):]
        while path.startswith("//"):
            path = path[1:]
        return path
    return uri if "://" not in uri and not uri.startswith("hdfs:") else None


def find_config(path):
    """The config on this machine: the copy shipped with --files, else the path as given."""
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get(os.path.basename(path))
        if os.path.isfile(shipped):
            return shipped
    except Exception:  # noqa: BLE001 - no SparkContext files here: the path as given
        pass
    return path


def map_partition(index, uris, tally_path, options, config=None):
    """One task: `tally map` over its share of the files; yields the partial's bytes."""
    uris = list(uris)
    if not uris:
        return
    tally = find_tally(tally_path)
    if config:
        options = options + ["--config", find_config(config)]
    with tempfile.TemporaryDirectory(prefix="tally-map-") as scratch:
        paths = []
        for position, uri in enumerate(uris):
            path = local_path(uri)
            if path is None:
                path = copy_to_local(uri, os.path.join(scratch, f"{position}-{os.path.basename(uri)}"))
            paths.append(path)
        partial = os.path.join(scratch, f"map-{index}.partial")
        status, errors = run_tally(tally, ["map", *paths, "--partial", partial, "--jobs", "1", *options])
        if not os.path.exists(partial):
            raise RuntimeError(f"tally map exited {status} without a partial: {errors}")
        with open(partial, "rb") as handle:
            yield handle.read()


def copy_to_local(uri, path):
    """Copies a file from any Hadoop file system (hdfs:, s3a: ...) with the Hadoop client
    (`hdfs dfs -get`), which a cluster that serves such URIs has on its executors."""
    subprocess.run(["hdfs", "dfs", "-get", uri, path], check=True)
    return path


def merge_pair(tally_path):
    def merge(a, b):
        tally = find_tally(tally_path)
        with tempfile.TemporaryDirectory(prefix="tally-merge-") as scratch:
            parts = []
            for name, data in (("a", a), ("b", b)):
                parts.append(os.path.join(scratch, name + ".partial"))
                with open(parts[-1], "wb") as handle:
                    handle.write(data)
            merged = os.path.join(scratch, "merged.partial")
            status, errors = run_tally(tally, ["merge", *parts, "--partial", merged])
            if not os.path.exists(merged):
                # A refusal (two partials of one input, other options): never a silent double count.
                raise RuntimeError(f"tally merge exited {status}: {errors}")
            with open(merged, "rb") as handle:
                return handle.read()
    return merge


def main(argv):
    args = parse_arguments(argv)
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("tally rollup").getOrCreate()
    try:
        # The driver's copy of a binary shipped with --files lives as long as the session.
        tally = find_tally(args.tally)
        inputs = list_inputs(spark, args.inputs)
        tasks = max(1, (len(inputs) + args.files_per_task - 1) // args.files_per_task)
        options = shaping_options(args)
        partials = spark.sparkContext.parallelize(inputs, tasks).mapPartitionsWithIndex(
            lambda index, uris: map_partition(index, uris, args.tally, options, args.config))
        merged = partials.treeReduce(merge_pair(args.tally), depth=2)
        with tempfile.TemporaryDirectory(prefix="tally-driver-") as scratch:
            final = os.path.join(scratch, "all.partial")
            with open(final, "wb") as handle:
                handle.write(merged)
            return subprocess.run([tally, "merge", final, "--out", args.out, *day_file_options(args)]).returncode
    except FileNotFoundError as error:
        print(f"spark_rollup: error: {error}", file=sys.stderr)
        return 66
    except Exception as error:  # noqa: BLE001 - a task or Spark failed: say so, exit like EX_SOFTWARE
        print(f"spark_rollup: error: {error}", file=sys.stderr)
        return 70
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
