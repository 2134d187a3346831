import CSV

/// `--campaigns FILE`: a name, and maybe an advertiser, for each campaign id, which the day
/// files show beside the id (`campaign_name`, `advertiser`).
///
/// The file is CSV (RFC 4180, UTF-8, a byte order mark allowed) with the header
/// `campaign_id,name` or `campaign_id,name,advertiser`. An id is matched by its bytes, as the
/// logs wrote it; ids missing from the file get empty cells. Names are cells from outside like
/// any key, so they are guarded against running as formulas (`CSVField`).
public struct CampaignNames: Sendable, Equatable {
    /// Whether the file has an advertiser column, and the day files one more column.
    public let hasAdvertiser: Bool
    private let entries: [[UInt8]: Entry]
    /// The SHA-256 of the file's bytes: day files of other names are written again.
    public let digest: String

    struct Entry: Sendable, Equatable {
        let name: [UInt8]
        let advertiser: [UInt8]
    }

    /// Why the file cannot be used; found before any log is read.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// - Parameters:
    ///   - contents: the file's bytes; `path` names it in messages.
    ///   - digest: a fingerprint of `contents`, which the state store compares.
    public init(contents: [UInt8], path: String, digest: String) throws(Problem) {
        guard let text = String(validating: contents, as: UTF8.self) else {
            throw Problem(description: "--campaigns \(path): not UTF-8 text")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(
                string: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, hasHeaderRow: true)
        } catch {
            throw Problem(description: "--campaigns \(path): no header line")
        }
        let header = reader.headerRow ?? []
        guard header == ["campaign_id", "name"] || header == ["campaign_id", "name", "advertiser"] else {
            throw Problem(
                description: "--campaigns \(path): the header must be campaign_id,name or campaign_id,name,advertiser, "
                    + "not \(header.joined(separator: ","))")
        }
        hasAdvertiser = header.count == 3
        var entries: [[UInt8]: Entry] = [:]
        var line = 1
        while let row = reader.next() {
            line += 1
            if row.allSatisfy(\.isEmpty) { continue }
            guard row.count == header.count else {
                throw Problem(
                    description: "--campaigns \(path): record \(line) has \(row.count) fields, not \(header.count)")
            }
            guard !row[0].isEmpty else {
                throw Problem(description: "--campaigns \(path): record \(line) has no campaign_id")
            }
            let id = Array(row[0].utf8)
            guard entries[id] == nil else {
                throw Problem(description: "--campaigns \(path): campaign_id \(row[0]) is named twice (record \(line))")
            }
            entries[id] = Entry(name: Array(row[1].utf8), advertiser: hasAdvertiser ? Array(row[2].utf8) : [])
        }
        self.entries = entries
        self.digest = digest
    }

    /// The headers of the columns these names add after the campaign's.
    public var headers: [String] { hasAdvertiser ? ["campaign_name", "advertiser"] : ["campaign_name"] }

    /// Whether `id` has a name here.
    public func contains(_ id: UnsafeRawBufferPointer) -> Bool { entries[Array(id)] != nil }

    /// The name (and advertiser) cells of campaign `id`, empty where it has no name.
    func cells(for id: UnsafeRawBufferPointer) -> [[UInt8]] {
        let entry = entries[Array(id)]
        return hasAdvertiser ? [entry?.name ?? [], entry?.advertiser ?? []] : [entry?.name ?? []]
    }

    /// Appends the cells for campaign `id` (each after a comma), empty where it has no name.
    func appendCells(for id: UnsafeRawBufferPointer, to out: inout [UInt8], comma: UInt8) {
        let entry = entries[Array(id)]
        out.append(comma)
        CSVField.append(entry?.name ?? [], to: &out)
        if hasAdvertiser {
            out.append(comma)
            CSVField.append(entry?.advertiser ?? [], to: &out)
        }
    }
}
