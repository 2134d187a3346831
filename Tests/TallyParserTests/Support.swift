import TallyTestSupport

@testable import TallyParser

/// What a line became, in a form tests can compare. An event's `campaign` is its key, which
/// with the default key columns is the campaign (key columns split by NUL, see `KeyTuple`).
enum Parsed: Equatable, CustomStringConvertible {
    case event(instant: Int64, kind: EventKind, campaign: String)
    case ignored(type: String)
    case blank, header
    case rejected(RejectReason)

    init(_ outcome: LineOutcome) {
        switch outcome {
        case .event(let e):
            self = .event(instant: e.instant, kind: e.kind, campaign: String(decoding: e.key, as: UTF8.self))
        case .ignored(let type): self = .ignored(type: String(decoding: type, as: UTF8.self))
        case .blank: self = .blank
        case .header: self = .header
        case .rejected(let reason): self = .rejected(reason)
        }
    }

    var description: String {
        switch self {
        case .event(let instant, let kind, let campaign): "event(\(instant), \(kind), \(campaign.debugDescription))"
        case .ignored(let type): "ignored(\(type.debugDescription))"
        case .blank: "blank"
        case .header: "header"
        case .rejected(let reason): "rejected(\(reason.name))"
        }
    }
}

extension EventParser {
    mutating func parse(_ text: String) -> Parsed {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { Parsed(parse(line: UnsafeRawBufferPointer($0))) }
    }

    mutating func parse(bytes: [UInt8]) -> Parsed {
        bytes.withUnsafeBytes { Parsed(parse(line: $0)) }
    }
}

/// Parses a whole text as one input, split into chunks of `chunkSize` bytes, as tally does:
/// lines are indexed (`TextIndex`, in windows of `indexWindow` bytes) once the format is known,
/// unless `indexing` is false.
func parseAll(
    _ text: [UInt8], chunkSize: Int, maxLineBytes: Int = 1 << 20, format: LogFormat = .auto,
    indexing: Bool = true, indexWindow: Int = 1 << 16
) -> [Parsed] {
    var parser = EventParser(format: format)
    var splitter = LineSplitter(maxLineBytes: maxLineBytes, indexWindow: indexWindow)
    var results: [Parsed] = []
    text.withUnsafeBytes { raw in
        var start = 0
        while start < raw.count {
            let end = min(start + chunkSize, raw.count)
            splitter.consume(
                UnsafeRawBufferPointer(rebasing: raw[start..<end]), indexing: { indexing ? parser.textClasses : nil }
            ) {
                results.append(Parsed(parser.parse($0)))
            }
            start = end
        }
    }
    splitter.finish { results.append(Parsed(parser.parse($0))) }
    return results
}

/// 2026-11-21T00:00:00Z
let nov21: Int64 = 1_795_219_200

extension [UInt8] {
    /// Makes 0 to `edits` random edits, each a byte replaced, inserted or removed, new bytes
    /// taken from `alphabet`: damage for the differential tests to compare two paths on.
    mutating func randomlyEdit(upTo edits: Int, from alphabet: [UInt8], using rng: inout SplitMix) {
        for _ in 0..<Int.random(in: 0...edits, using: &rng) where !isEmpty {
            let at = Int.random(in: 0..<count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: self[at] = alphabet.randomElement(using: &rng)!
            case 1: insert(alphabet.randomElement(using: &rng)!, at: at)
            default: remove(at: at)
            }
        }
    }
}
