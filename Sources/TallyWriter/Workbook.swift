import Foundation
import TallyAggregator
import TallyBytes
import ZIPFoundation

/// `--xlsx FILE`: the rollup as one Excel workbook, minimal Office Open XML zipped with
/// ZIPFoundation.
///
/// One sheet, every day's rows under one header with a date column, rather than a sheet per
/// day: a pivot table, a filter or a chart over the whole range then needs no gathering, and a
/// sheet per day would make hundreds of tabs for a year. Cells carry their types, so nothing is
/// guessed on opening: ids and names are text (no lost leading zeros, no `1.2E+19`, no dates),
/// dates are dates, counts numbers, ratios numbers shown as percentages. The header row is
/// frozen and filtered; a totals row (sums, and the ratios of the sums) sits below the data, as
/// it never does in the CSV files, where it would break a pivot table. A text cell is never a
/// formula in a workbook, so ids are written as they are, without the CSV files' apostrophe.
public enum Workbook {
    /// A sheet holds 1,048,576 rows: the header, the data and the totals.
    public static let maximumDataRows = 1_048_576 - 2

    /// Why the workbook was not written.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The workbook's bytes. The same rollup gives the same bytes: entries carry a fixed time.
    public static func render(_ rollup: RollupTable, columns: RowColumns, style: CSVStyle) throws(Problem) -> [UInt8] {
        let days = rollup.rowsInOrder(by: columns.granularity)
        let rowCount = days.reduce(0) { $0 + $1.rows.count }
        guard rowCount <= maximumDataRows else {
            throw Problem(
                description: "\(rowCount) rows do not fit in one sheet (\(maximumDataRows) at most); "
                    + "the day files and --combined have them all")
        }
        let sheet = Sheet(rollup: rollup, columns: columns, style: style)
        let parts: [(String, [UInt8])] = [
            ("[Content_Types].xml", Array(contentTypes.utf8)),
            ("_rels/.rels", Array(packageRelationships.utf8)),
            ("xl/workbook.xml", Array(sheet.workbookXML(dataRows: rowCount).utf8)),
            ("xl/_rels/workbook.xml.rels", Array(workbookRelationships.utf8)),
            ("xl/styles.xml", Array(styles.utf8)),
            ("xl/worksheets/sheet1.xml", sheet.xml(days: days, dataRows: rowCount)),
        ]
        do {
            let archive = try Archive(accessMode: .create)
            for (path, bytes) in parts {
                let data = Data(bytes)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: fixedTime,
                    compressionMethod: .deflate
                ) { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw Problem(description: "the workbook could not be made") }
            return Array(data)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(description: "the workbook could not be made: \(error)")
        }
    }

    /// 1980-01-01, the earliest time a zip entry can carry.
    private static let fixedTime = Date(timeIntervalSince1970: 315_532_800)

    /// The styles `styles` defines, by index.
    enum Style: Int {
        case plain = 0
        case date
        case percent
        case text
        case header
        case totalLabel
    }

    /// One sheet's cells.
    struct Sheet {
        let rollup: RollupTable
        let columns: RowColumns
        let style: CSVStyle

        /// The headers in order, and each one's kind of cell.
        var headers: [String] {
            var names = ["date"]
            if columns.granularity == .hour { names += ["hour", "utc_offset"] }
            return names + columns.keyAndNameHeaders + columns.countHeaders + style.ratios.map(\.name)
        }

        /// Where the counters start, 0-based.
        var firstCounter: Int {
            (columns.granularity == .hour ? 3 : 1) + columns.keyAndNameHeaders.count
        }

        func workbookXML(dataRows: Int) -> String {
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
            <sheets><sheet name="rollup" sheetId="1" r:id="rId1"/></sheets>\
            <definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">\
            rollup!$A$1:$\(Workbook.column(headers.count - 1))$\(dataRows + 1)</definedName></definedNames>\
            </workbook>
            """
        }

        func xml(days: [(day: Int32, rows: ArraySlice<UInt32>)], dataRows: Int) -> [UInt8] {
            let last = Workbook.column(headers.count - 1)
            var cells = Cells()
            cells.out = Array(
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
                <dimension ref="A1:\(last)\(dataRows + 2)"/>\
                <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" \
                state="frozen"/></sheetView></sheetViews><sheetData>
                """.utf8)
            cells.startRow()
            for header in headers { cells.text(Array(header.utf8), style: .header) }
            cells.endRow()
            var totals = [UInt64](repeating: 0, count: columns.counterNames.count)
            let keyColumns = columns.keyHeaders.count
            for (day, rows) in days {
                let serial = String(Int64(day) + 25_569)  // days since 1899-12-30, the sheet's day 0
                rollup.forEachRow(rows) { period, key, counts in
                    cells.startRow()
                    cells.number(serial, style: .date)
                    if columns.granularity == .hour {
                        cells.number(String(Period.hourOfDay(period)))
                        cells.text(Array(RowColumns.utcOffsetText(minutes: Period.utcOffsetMinutes(period)).utf8))
                    }
                    KeyTuple.forEachColumn(of: key, columns: keyColumns) { column, cell in
                        cells.text(Array(cell), style: .text)
                        if column == columns.campaignColumn, let names = columns.campaignNames {
                            for value in names.cells(for: cell) { cells.text(value, style: .text) }
                        }
                    }
                    for (index, count) in counts.enumerated() {
                        cells.number(String(count))
                        if index < totals.count { totals[index] &+= count }
                    }
                    for ratio in style.ratios {
                        let text = CSVStyle.Ratio.text(counts[ratio.numerator], over: counts[ratio.denominator])
                        if text.isEmpty { cells.skip() } else { cells.number(text, style: .percent) }
                    }
                    cells.endRow()
                }
            }
            // Totals: sums of the data above, and the ratios of those sums.
            cells.startRow()
            let row = cells.row
            cells.text(Array("Total".utf8), style: .totalLabel)
            for _ in 1..<firstCounter { cells.skip() }
            for (index, total) in totals.enumerated() {
                let column = Workbook.column(firstCounter + index)
                cells.formula("SUM(\(column)2:\(column)\(row - 1))", value: String(total))
            }
            // Distinct values do not add up across rows: no total.
            if columns.distinctName != nil { cells.skip() }
            for ratio in style.ratios {
                let text = CSVStyle.Ratio.text(totals[ratio.numerator], over: totals[ratio.denominator])
                let over = Workbook.column(firstCounter + ratio.numerator)
                let under = Workbook.column(firstCounter + ratio.denominator)
                if text.isEmpty {
                    cells.skip()
                } else {
                    cells.formula("\(over)\(row)/\(under)\(row)", value: text, style: .percent)
                }
            }
            cells.endRow()
            cells.out += Array("</sheetData><autoFilter ref=\"A1:\(last)\(dataRows + 1)\"/></worksheet>".utf8)
            return cells.out
        }
    }

    /// Writes the sheet's cells, row by row, left to right.
    struct Cells {
        var out: [UInt8] = []
        private(set) var row = 0
        private var column = 0

        mutating func startRow() {
            row += 1
            column = 0
            out += Array("<row r=\"\(row)\">".utf8)
        }

        mutating func endRow() { out += Array("</row>".utf8) }

        private mutating func open(_ style: Style, type: String? = nil) {
            out += Array("<c r=\"\(Workbook.column(column))\(row)\"".utf8)
            if style != .plain { out += Array(" s=\"\(style.rawValue)\"".utf8) }
            if let type { out += Array(" t=\"\(type)\"".utf8) }
            out.append(UInt8(ascii: ">"))
            column += 1
        }

        mutating func number(_ value: String, style: Style = .plain) {
            open(style)
            out += Array("<v>\(value)</v></c>".utf8)
        }

        /// A text cell; an empty one is left out, as an empty CSV cell reads.
        mutating func text(_ value: [UInt8], style: Style = .plain) {
            guard !value.isEmpty else { return skip() }
            open(style, type: "inlineStr")
            out += Array("<is><t xml:space=\"preserve\">".utf8)
            Workbook.appendEscaped(value, to: &out)
            out += Array("</t></is></c>".utf8)
        }

        mutating func formula(_ formula: String, value: String, style: Style = .plain) {
            open(style)
            out += Array("<f>\(formula)</f><v>\(value)</v></c>".utf8)
        }

        mutating func skip() { column += 1 }
    }

    /// `A` for 0, `Z` for 25, `AA` for 26: a column's letters.
    static func column(_ index: Int) -> String {
        var index = index
        var letters: [UInt8] = []
        repeat {
            letters.insert(UInt8(ascii: "A") + UInt8(index % 26), at: 0)
            index = index / 26 - 1
        } while index >= 0
        return String(decoding: letters, as: UTF8.self)
    }

    /// Appends `text` (UTF-8) as XML character data. Characters XML 1.0 cannot hold (controls
    /// but tab, LF and CR) are written as Office's `_xHHHH_`, and an underscore that would read
    /// as the start of one is itself written `_x005F_`, so that every text comes back as it was.
    static func appendEscaped(_ text: [UInt8], to out: inout [UInt8]) {
        for (index, byte) in text.enumerated() {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "_") where looksEscaped(text, at: index): out += Array("_x005F_".utf8)
            case ASCII.tab, ASCII.newline, ASCII.carriageReturn: out.append(byte)
            case ASCII.nul..<ASCII.firstPrintable, ASCII.delete: out += Array(String(format: "_x%04X_", Int(byte)).utf8)
            default: out.append(byte)
            }
        }
    }

    /// Whether `text` at `index` reads `_xHHHH_`.
    private static func looksEscaped(_ text: [UInt8], at index: Int) -> Bool {
        guard index + 6 < text.count, text[index + 1] == UInt8(ascii: "x"), text[index + 6] == UInt8(ascii: "_") else {
            return false
        }
        return text[(index + 2)..<(index + 6)].allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains($0)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }

    static let contentTypes = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
        <Override PartName="/xl/styles.xml" \
        ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
        </Types>
        """

    static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" \
        Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
        Target="xl/workbook.xml"/></Relationships>
        """

    static let workbookRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
        Target="worksheets/sheet1.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
        Target="styles.xml"/></Relationships>
        """

    /// Styles by `Style`'s index: plain, date (`yyyy-mm-dd`), percent (`0.00%`), text (`@`),
    /// header (bold), totals label (bold).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
        <font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill>\
        <fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
        """
}
