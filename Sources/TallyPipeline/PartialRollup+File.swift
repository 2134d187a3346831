import TallyAggregator
import TallyBytes
import TallyParser
import TallyReader
import TallyWriter

/// The partial rollup file (`tally map --partial FILE`), version 2. docs/PARTIAL-FORMAT.md
/// describes it for readers in other languages. Version 1 (before 0.16) differs only in how the
/// table lists its keys (`RollupTable.KeyList`), and is still read.
///
/// Layout: an 8-byte magic number, the format version (4 bytes, little-endian), the body's
/// length (8 bytes, little-endian), the body, and the SHA-256 of everything before it. A file
/// whose size is not exactly that, or whose digest does not match, is refused whole: a torn,
/// cut or altered partial never adds a count. The body is canonical (inputs in path order, the
/// table in `RollupTable.encode`'s order), so equal partials are equal files.
extension PartialRollup {
    /// `\x89TALLYP\n`: a first byte that is not text, so no log is ever taken for a partial,
    /// and a newline that a text-mode transfer would change.
    static let magic: [UInt8] = [0x89] + Array("TALLYP\n".utf8)
    public static let formatVersion: UInt32 = 2
    /// The versions this tally reads, and how each lists the table's keys.
    static let keyLists: [UInt32: RollupTable.KeyList] = [1: .whole, 2: .frontCoded]
    static let headerSize = 8 + 4 + 8
    static let digestSize = ContentFingerprint.byteCount

    /// Why a file is not a partial this tally can merge. Each is bad data (65), but a
    /// partial that is not there (66) or cannot be read (74).
    public enum FileError: Error, Equatable, CustomStringConvertible {
        case unreadable(InputError)
        case empty
        case notAPartial
        case version(UInt32)
        case damaged(String)

        public var description: String {
            switch self {
            case .unreadable(let error): error.description
            case .empty: "empty, not a partial rollup"
            case .notAPartial: "not a tally partial rollup (a log file? give logs to tally map)"
            case .version(let version):
                "a partial rollup of format version \(version); this tally reads versions 1 to \(PartialRollup.formatVersion)"
            case .damaged(let why): "a damaged partial rollup: \(why)"
            }
        }

        public var exitStatus: ExitStatus {
            switch self {
            case .unreadable(let error): ExitStatus(inputError: error)
            default: .dataError
            }
        }
    }

    /// The file's bytes.
    public func fileBytes() -> [UInt8] {
        var body = BinaryWriter()
        body.append("tally \(RollupRun.version)")
        let options = shape.options
        body.append(options.count)
        for (option, value) in options {
            body.append(option)
            body.append(value)
        }
        body.append(inputs.count)
        for input in inputs { Self.encode(input, into: &body) }
        table.encode(into: &body)

        var file = Self.magic
        withUnsafeBytes(of: Self.formatVersion.littleEndian) { file += $0 }
        withUnsafeBytes(of: UInt64(body.bytes.count).littleEndian) { file += $0 }
        file += body.bytes
        file += file.withUnsafeBytes { ContentFingerprint(of: $0).bytes }
        return file
    }

    /// A partial from a file's bytes; `digest` is the file's own checksum (equal for equal files).
    public static func decode(_ bytes: [UInt8]) throws(FileError) -> (
        partial: PartialRollup, digest: ContentFingerprint
    ) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.starts(with: magic) else { throw .notAPartial }
        guard bytes.count >= headerSize else { throw .damaged("cut short in its header") }
        let version = bytes[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard let keyList = keyLists[version] else { throw .version(version) }
        let length = bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let expected = UInt64(headerSize) &+ length &+ UInt64(digestSize)
        guard length <= UInt64(Int.max / 2), expected == UInt64(bytes.count) else {
            throw .damaged(
                expected > UInt64(bytes.count)
                    ? "cut short (\(bytes.count) bytes of \(expected))"
                    : "\(UInt64(bytes.count) &- expected) bytes after its end")
        }
        let end = bytes.count - digestSize
        let digest = ContentFingerprint(bytes: Array(bytes[end...]))
        guard bytes.withUnsafeBytes({ ContentFingerprint(of: UnsafeRawBufferPointer(rebasing: $0[..<end])) }) == digest
        else { throw .damaged("its checksum does not match its content (altered, or damaged in transfer)") }

        var reader = BinaryReader(Array(bytes[headerSize..<end]))
        do throws(any Error) {
            _ = try reader.readString()
            var options: [(option: String, value: String)] = []
            for _ in 0..<(try reader.readInt(atMost: 1 << 10)) {
                options.append((try reader.readString(), try reader.readString()))
            }
            let shape = try RollupShape(options: options)
            var inputs: [InputReport] = []
            for _ in 0..<(try reader.readInt(atMost: 1 << 32)) { inputs.append(try decodeInput(from: &reader)) }
            let table = try RollupTable.decode(
                from: &reader, counterCount: RollupShape.counters.count, countsDistinct: shape.distinctField != nil,
                identifiesEvents: shape.dedupeField != nil, keys: keyList)
            guard reader.isAtEnd else {
                throw BinaryReader.Malformed(offset: reader.offset, what: "bytes after the table")
            }
            return (try PartialRollup(shape: shape, inputs: inputs, table: table), digest)
        } catch let error as RollupShape.Unknown {
            throw .damaged("its options: \(error.why)")
        } catch {
            // A checksum that matches over bytes this tally cannot read: written by another program.
            throw .damaged("\(error)")
        }
    }

    // MARK: - Inputs

    private static let statuses: [InputReport.Status] = [.ok, .empty, .failed, .duplicate, .unchanged]
    /// More lines than any input has (2^53), small enough that sums of them cannot overflow.
    private static let countLimit = 1 << 53
    private static let compressions: [Compression?] = [nil, Compression.none, .gzip]

    private static func encode(_ input: InputReport, into writer: inout BinaryWriter) {
        switch input.location {
        case .file(let path):
            writer.append(0)
            writer.append(path)
        case .standardInput: writer.append(1)
        }
        writer.append(statuses.firstIndex(of: input.status)!)
        input.fingerprint.map { $0.bytes.withUnsafeBytes { writer.append(bytes: $0) } } ?? writer.append(0)
        writer.append(compressions.firstIndex(of: input.compression)!)
        writer.append(input.format?.rawValue ?? "")
        let (code, detail) = input.error.map(Self.code) ?? (0, "")
        writer.append(code)
        writer.append(detail)
        let accounting = input.accounting
        for count in [
            accounting.lines, accounting.counted, accounting.ignored, accounting.rejected, accounting.blank,
            accounting.headers,
        ] { writer.append(count) }
        writer.append(accounting.events.count)
        for count in accounting.events { writer.append(count) }
        // Reasons by name: a reader need not know the order of this tally's list.
        let reasons = RejectReason.allCases.filter { accounting.rejected($0) > 0 }
        writer.append(reasons.count)
        for reason in reasons {
            writer.append(reason.name)
            writer.append(accounting.rejected(reason))
        }
        writer.append(accounting.ignoredTypes.count)
        for (type, count) in accounting.ignoredTypes.sorted(by: { $0.key < $1.key }) {
            writer.append(type)
            writer.append(count)
        }
        writer.append(input.warnings.count)
        for warning in input.warnings { writer.append(warning) }
    }

    private static func decodeInput(from reader: inout BinaryReader) throws(any Error) -> InputReport {
        func malformed(_ what: String) -> BinaryReader.Malformed {
            BinaryReader.Malformed(offset: reader.offset, what: what)
        }
        let location: InputLocation =
            switch try reader.readInt(atMost: 1) {
            case 0: .file(try reader.readString())
            default: .standardInput
            }
        var input = InputReport(location: location, status: statuses[try reader.readInt(atMost: statuses.count - 1)])
        let fingerprint = try reader.readBytes { Array($0) }
        guard fingerprint.isEmpty || fingerprint.count == ContentFingerprint.byteCount else {
            throw malformed("a fingerprint of \(fingerprint.count) bytes")
        }
        input.fingerprint = fingerprint.isEmpty ? nil : ContentFingerprint(bytes: fingerprint)
        input.compression = compressions[try reader.readInt(atMost: compressions.count - 1)]
        let format = try reader.readString()
        input.format = format.isEmpty ? nil : LogFormat(rawValue: format)
        guard format.isEmpty || input.format != nil else { throw malformed("an unknown format '\(format)'") }
        let code = try reader.readInt()
        let detail = try reader.readString()
        input.error =
            try code == 0 ? nil : Self.error(code: code, detail: detail) ?? { throw malformed("an unknown error") }()
        var accounting = LineAccounting()
        accounting.lines = try reader.readInt(atMost: countLimit)
        accounting.counted = try reader.readInt(atMost: countLimit)
        accounting.ignored = try reader.readInt(atMost: countLimit)
        accounting.rejected = try reader.readInt(atMost: countLimit)
        accounting.blank = try reader.readInt(atMost: countLimit)
        accounting.headers = try reader.readInt(atMost: countLimit)
        guard try reader.readInt() == accounting.events.count else { throw malformed("counts of other events") }
        for index in accounting.events.indices { accounting.events[index] = try reader.readInt(atMost: countLimit) }
        for _ in 0..<(try reader.readInt(atMost: RejectReason.allCases.count)) {
            let name = try reader.readString()
            guard let reason = RejectReason.allCases.first(where: { $0.name == name }),
                accounting.rejectedByReason[reason.rawValue] == 0
            else { throw malformed("a reject reason '\(name)' unknown here, or given twice") }
            accounting.rejectedByReason[reason.rawValue] = try reader.readInt(atMost: countLimit)
        }
        for _ in 0..<(try reader.readInt(atMost: 1 << 20)) {
            let type = try reader.readString()
            accounting.ignoredTypes[type] = try reader.readInt(atMost: countLimit)
        }
        guard accounting.lines == accounting.counted + accounting.ignored + accounting.rejected + accounting.blank,
            accounting.counted == accounting.events.reduce(0, +),
            accounting.rejected == accounting.rejectedByReason.reduce(0, +)
        else { throw malformed("an input's lines that do not add up") }
        input.accounting = accounting
        for _ in 0..<(try reader.readInt(atMost: 1 << 20)) { input.warnings.append(try reader.readString()) }
        return input
    }

    /// An input error as a number and its text: the number is the file format's, not Swift's.
    private static func code(_ error: InputError) -> (Int, String) {
        switch error {
        case .notFound: (1, "")
        case .unreadable(let why): (2, why)
        case .noFiles: (3, "")
        case .corrupt(let why): (4, why)
        case .unsupportedCompression(let name): (5, name)
        case .binary: (6, "")
        case .io(let why): (7, why)
        case .outOfResources(let why): (8, why)
        }
    }

    private static func error(code: Int, detail: String) -> InputError? {
        switch code {
        case 1: .notFound
        case 2: .unreadable(detail)
        case 3: .noFiles
        case 4: .corrupt(detail)
        case 5: .unsupportedCompression(detail)
        case 6: .binary
        case 7: .io(detail)
        case 8: .outOfResources(detail)
        default: nil
        }
    }
}
