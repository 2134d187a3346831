import TallyAggregator

/// Writes a rollup as one CSV file per day, `YYYY-MM-DD.csv`, replacing old ones atomically.
public struct DailyCSVWriter: Sendable {
    public let writer: AtomicFileWriter
    public let columns: RowColumns
    public let style: CSVStyle
    /// How many day files are made at once, on as many threads.
    public let concurrency: Int

    public init(
        columns: RowColumns, style: CSVStyle = CSVStyle(), concurrency: Int = 1,
        fileSystem: any FileSystem = PosixFileSystem()
    ) {
        self.columns = columns
        self.style = style
        self.concurrency = concurrency
        writer = AtomicFileWriter(fileSystem: fileSystem)
    }

    /// Writes every day of `rollup` into `directory`, or only those of `days`.
    /// - Parameter replaced: receives the name of each file as it replaces the old one, in day
    ///   order; when a rename fails part way, the files named so far are the new ones.
    public func write(
        _ rollup: RollupTable, to directory: String, days: Set<Int32>? = nil, replaced: (String) -> Void = { _ in }
    ) throws(WriteError) {
        let columns = self.columns
        let style = self.style
        let files = rollup.rowsInOrder(by: columns.granularity).filter { days?.contains($0.day) ?? true }.map {
            day, rows in
            let date = CivilDate(daysSinceEpoch: day)
            return (
                name: "\(date).csv",
                write: { (sink: AtomicFileWriter.Sink) throws(WriteError) in
                    try DailyCSV.write(date: date, rollup: rollup, rows: rows, columns: columns, style: style, to: sink)
                }
            )
        }
        // Each file reads the rollup and writes only its own buffer and file.
        try writer.replace(files, in: directory, concurrency: concurrency, replaced: replaced)
    }

    /// Writes every row of `rollup` to the one file `path`, a header then each day's records in
    /// date then key order (`--combined`, for a pivot table), replaced atomically; streamed a
    /// buffer at a time.
    public func writeCombined(_ rollup: RollupTable, to path: String) throws(WriteError) {
        let (directory, name) = AtomicFileWriter.split(path)
        let columns = self.columns
        let style = self.style
        let days = rollup.rowsInOrder(by: columns.granularity)
        try writer.replace(
            [
                (
                    name,
                    { (sink: AtomicFileWriter.Sink) throws(WriteError) in
                        try DailyCSV.stream(to: sink) { (buffer: inout RecordBuffer) in
                            buffer.append(DailyCSV.head(columns, style))
                            for (day, rows) in days {
                                DailyCSV.appendRows(
                                    date: CivilDate(daysSinceEpoch: day), rollup: rollup, rows: rows, columns: columns,
                                    style: style, to: &buffer)
                            }
                        }
                    }
                )
            ], in: directory)
    }

    /// Writes every row of `rollup` to the Excel workbook `path` (`Workbook`), replaced atomically.
    public func writeWorkbook(_ rollup: RollupTable, to path: String) throws(WriteError) {
        let (directory, name) = AtomicFileWriter.split(path)
        let bytes: [UInt8]
        do throws(Workbook.Problem) {
            bytes = try Workbook.render(rollup, columns: columns, style: style)
        } catch {
            throw .cannotCreate(path: path, reason: error.description)
        }
        try writer.replace([(name, bytes)], in: directory)
    }

    /// Removes the day files of `days` from `directory`, where there are any: days that have no
    /// counts any more.
    public func remove(days: [Int32], from directory: String) throws(WriteError) {
        guard !days.isEmpty else { return }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for day in days { writer.fileSystem.remove(prefix + "\(CivilDate(daysSinceEpoch: day)).csv") }
        try writer.fileSystem.syncDirectory(directory)
    }
}
