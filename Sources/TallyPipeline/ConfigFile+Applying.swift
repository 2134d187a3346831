import TallyAggregator
import TallyParser
import TallyReader

extension ConfigFile {
    /// Sets in `configuration` what the file sets, over tally's defaults; the command line is
    /// applied after, and so wins. `path` is the file's, for the errors.
    /// - Throws: what the keys cannot mean together (`header = false` without `columns`), or
    ///   an inflater this build cannot use.
    public func apply(to configuration: inout RunConfiguration, path: String) throws(Error) {
        func problem(_ key: String, _ message: String) -> Error {
            Error(path: path, line: keyLines[key], key: key, message: message)
        }
        if let format { configuration.format = format }
        if let delimiter { configuration.schema.delimiter = delimiter }
        switch (header, columns) {
        case (false?, let columns?): configuration.schema.columns = columns
        case (false?, nil):
            throw problem("header", "'header = false' needs 'columns', the names of the columns in order")
        case (_, _?):
            throw problem("columns", "'columns' names the columns of files without a header: add 'header = false'")
        default: break
        }
        if let timeZone { configuration.timeZone = timeZone }
        if let inputTimeZone, !configuration.setInputTimeZone(inputTimeZone) {
            throw problem("input_timezone", "'\(inputTimeZone)' is not a time zone")
        }
        if let maxLineBytes { configuration.maxLineBytes = maxLineBytes }
        for (field, names) in fields {
            configuration.schema.aliases[field] = names
            // A name is one field's: taken from the others' default names, so that no header or
            // JSON key could mean two fields.
            for other in Field.allCases where fields[other] == nil {
                configuration.schema.aliases[other]?.removeAll { names.contains($0) }
            }
        }
        if !types.isEmpty {
            // A type given replaces its values; the others keep tally's own.
            var values = configuration.schema.typeValues.filter { types[$0.value] == nil }
            for (kind, names) in types {
                for name in names { values[name.lowercased()] = kind }
            }
            configuration.schema.typeValues = values
        }
        configuration.typeSources += sources.map { RunConfiguration.TypeSource(match: $0.match, kind: $0.kind) }
        if let clf {
            if let name = clf.typeParam { configuration.schema.accessLog.typeParameters = [name] }
            if let name = clf.campaignParam { configuration.schema.accessLog.campaignParameters = [name] }
            if let prefix = clf.pathPrefix { configuration.schema.accessLog.pathPrefix = prefix }
        }
        if let by {
            do throws(KeyColumns.Problem) {
                configuration.keyColumns = try KeyColumns(names: by, schema: configuration.schema)
            } catch {
                throw problem("by", "\(error)")
            }
        }
        if let granularity { configuration.granularity = granularity }
        if let uniques, let why = configuration.setDistinctField(uniques) { throw problem("uniques", why) }
        if let dedupe, let why = configuration.setDedupeField(dedupe) { throw problem("dedupe", why) }
        if let inflater {
            switch inflater {
            case "zlib": configuration.inflater = .zlib
            case "isal":
                if let why = RunConfiguration.isalUnavailable { throw problem("inflater", "'isal': \(why)") }
                configuration.inflater = .isal
            default: configuration.inflater = .fastest
            }
        }
        if let jobs { configuration.jobs = jobs }
        if let out { configuration.outputDirectory = out }
        if let rejects { configuration.rejectsPath = rejects }
        if let summaryJSON { configuration.summaryPath = summaryJSON }
        if let metrics { configuration.metricsPath = metrics }
        if let campaigns { configuration.campaignsPath = campaigns }
        if let combined { configuration.combinedPath = combined }
        if let xlsx { configuration.xlsxPath = xlsx }
        if let bom { configuration.csvStyle.byteOrderMark = bom }
        if let crlf { configuration.csvStyle.crlf = crlf }
        if let ratios { configuration.csvStyle.ratios = ratios ? RunConfiguration.standardRatios : [] }
        if let allowEmpty { configuration.allowEmpty = allowEmpty }
        if let maxRejectRate { configuration.maxRejectRate = maxRejectRate }
        if let wait { configuration.waitSeconds = wait }
    }
}
