import Glibc
import TallyAggregator
import TallyParser
import TallyReader
import TallyWriter

/// Everything a rollup run needs to know, already checked. The command line builds one; the
/// pipeline never sees command-line types.
public struct RunConfiguration: Sendable {
    /// The inputs as named: paths, directories, or `-` for standard input.
    public var inputs: [String]
    /// What the inputs are: logs to count (`tally rollup`, `tally map`), or partial rollups
    /// to merge (`tally merge`).
    public var inputKind: InputKind = .logs
    /// Where the day files go; with `partialPath`, the folder of the partial file.
    public var outputDirectory: String
    /// If set, the run writes its result as one partial rollup file there instead of day files
    /// (`tally map`, `tally merge --partial`), and fingerprints the logs it reads.
    public var partialPath: String?
    /// If set, the state store (`StateStore`) of a run that writes day files: inputs it has
    /// counted are not read again, and only days whose counts change are written.
    public var statePath: String?
    /// Forget what the state store holds, and count the inputs given as if it were new.
    public var rebuild = false
    /// An IANA zone name; days are local days in it.
    public var timeZone: String = "UTC"
    public var format: LogFormat = .auto
    /// Worker threads: inputs are spread over them, each with its own tables.
    public var jobs: Int = 1
    /// Longer lines are rejected as `line_too_long` without being held whole.
    public var maxLineBytes: Int = 1 << 20
    /// If set, the rejected lines of the inputs rolled up are written there as TSV (gzip when
    /// the name ends in `.gz`); `-` is standard output.
    public var rejectsPath: String?
    /// If set, where the caller writes the run's summary after the run (`-`: standard output).
    /// The run checks it with its other outputs before it reads anything.
    public var summaryPath: String?
    /// If set, where the caller writes the run's metrics after the run; checked likewise.
    public var metricsPath: String?
    /// If set, a run in which more than this share of lines (0...1) was rejected still writes
    /// its rollups, then fails with bad data (65).
    public var maxRejectRate: Double?
    /// A run with no input, or whose lines were all rejected or ignored, succeeds instead of
    /// failing with 66 or 65 (see `RunReport.Drift`).
    public var allowEmpty = false
    /// If set, a CSV file of campaign names (`--campaigns`), shown beside the campaign ids.
    public var campaignsPath: String?
    /// If set, every row of every day is also written to this one CSV file (`--combined`), laid
    /// out as the day files are.
    public var combinedPath: String?
    /// If set, every row of every day is also written to this Excel workbook (`--xlsx`).
    public var xlsxPath: String?
    /// How the day files are laid out (a byte order mark, CRLF); the default is LF, no mark.
    public var csvStyle = CSVStyle()
    /// Whether the front end tells a short summary of the run on standard error (`--verbose`).
    public var verbose = false
    /// How long to wait for another run that holds the output folder's lock; 0 to give up at once.
    public var waitSeconds: Double = 0
    /// Which library inflates gzip inputs; it must be available (`Inflater.isAvailable`).
    public var inflater: Inflater = .zlib
    public var schema: LogSchema = .standard
    /// The key columns of a row (`--by`): the campaign alone by default.
    public var keyColumns: KeyColumns = .campaign
    /// The field whose distinct values each row estimates (`--uniques`), if any.
    public var distinctField: String?
    /// The field that identifies an event, so that one repeated counts once a day (`--dedupe`), if any.
    public var dedupeField: String?
    /// A row per day, or per hour (`--granularity`).
    public var granularity: Granularity = .day
    /// The `--config` file the settings came from, if any: a directory of inputs that holds
    /// it does not read it as a log.
    public var configPath: String?
    /// How event times are read, and in which zone when written without one.
    public var timeParser = TimeParser()
    /// Inputs whose file name matches one of these hold one kind of event each (the first
    /// that matches wins): their lines' type fields are not read.
    public var typeSources: [TypeSource] = []

    /// Files named like `match` (an fnmatch(3) pattern on the file name) hold events of `kind`.
    public struct TypeSource: Sendable, Equatable {
        public var match: String
        public var kind: EventKind

        public init(match: String, kind: EventKind) {
            self.match = match
            self.kind = kind
        }

        func matches(_ location: InputLocation) -> Bool {
            guard case .file(let path) = location else { return false }
            let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
            return fnmatch(match, name, 0) == 0
        }
    }

    public enum InputKind: Sendable {
        case logs, partials
    }

    public init(inputs: [String], outputDirectory: String) {
        self.inputs = inputs
        self.outputDirectory = outputDirectory
    }

    /// A run that writes one partial rollup file at `partialPath`.
    public init(inputs: [String], partialPath: String) {
        self.inputs = inputs
        outputDirectory = ""
        setPartialPath(partialPath)
    }

    /// Makes this a run that writes one partial rollup file at `path`, in place of day files.
    public mutating func setPartialPath(_ path: String) {
        partialPath = path
        outputDirectory = AtomicFileWriter.split(path).directory
    }
}

extension RunConfiguration {
    /// A parser for `location`, as these options read it.
    func eventParser(for location: InputLocation) -> EventParser {
        var schema = self.schema
        schema.fixedKind = fixedKind(of: location) ?? schema.fixedKind
        return EventParser(
            format: format, schema: schema, timeParser: timeParser, keyColumns: keyColumns,
            distinctField: distinctField, identityField: dedupeField)
    }

    /// What every line of `location` counts as, if a `TypeSource` names it.
    public func fixedKind(of location: InputLocation) -> EventKind? {
        typeSources.first { $0.matches(location) }?.kind
    }
}
