import ArgumentParser
import TallyPipeline

/// How the day files are laid out.
struct DayFileOptions: ParsableArguments {
    @Flag(help: "Start each day file with a UTF-8 byte order mark (for Excel and LibreOffice).")
    var bom = false

    @Flag(help: "End the day files' records with CR LF instead of LF.")
    var crlf = false

    @Flag(help: "Add ctr (clicks / impressions) and view_rate (video_views / impressions) columns.")
    var ratios = false

    var csvStyle: CSVStyle {
        CSVStyle(byteOrderMark: bom, crlf: crlf, ratios: ratios ? RunConfiguration.standardRatios : [])
    }
}
