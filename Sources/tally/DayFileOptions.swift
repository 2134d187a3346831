import ArgumentParser
import TallyPipeline

/// How the day files are laid out.
struct DayFileOptions: ParsableArguments {
    @Flag(
        inversion: .prefixedNo, help: "Start each day file with a UTF-8 byte order mark (for Excel and LibreOffice).")
    var bom: Bool?

    @Flag(inversion: .prefixedNo, help: "End the day files' records with CR LF instead of LF.")
    var crlf: Bool?

    @Flag(
        inversion: .prefixedNo,
        help: "Add ctr (clicks / impressions) and view_rate (video_views / impressions) columns.")
    var ratios: Bool?

    @Option(
        help: ArgumentHelp(
            "Also write every row of every day to FILE, one CSV in date then key order (for a pivot table).",
            valueName: "FILE"))
    var combined: String?

    @Option(
        help: ArgumentHelp(
            "Also write every row to one Excel workbook: typed cells, frozen filtered header, totals.",
            valueName: "FILE"))
    var xlsx: String?

    @Option(
        help: ArgumentHelp(
            "A CSV of campaign_id,name[,advertiser]: adds campaign_name (and advertiser) after the campaign's id.",
            valueName: "FILE"))
    var campaigns: String?

    func apply(to configuration: inout RunConfiguration) {
        if let bom { configuration.csvStyle.byteOrderMark = bom }
        if let crlf { configuration.csvStyle.crlf = crlf }
        if let ratios { configuration.csvStyle.ratios = ratios ? RunConfiguration.standardRatios : [] }
        if let combined { configuration.combinedPath = combined }
        if let campaigns { configuration.campaignsPath = campaigns }
        if let xlsx { configuration.xlsxPath = xlsx }
    }
}
