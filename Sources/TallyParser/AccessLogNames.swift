/// What an access log's pixel requests are read by: the path they are under and the names of
/// the query parameters that hold each field, as bytes, made once per input.
final class AccessLogNames {
    let pathPrefix: [UInt8]
    let type: [[UInt8]]
    let campaign: [[UInt8]]
    /// The key fields other than the campaign, then the `--uniques` and `--dedupe` fields (the
    /// parser's `keyFieldNames`).
    let keyFields: [[UInt8]]
    /// What an ignored line outside `pathPrefix` is shown as among the ignored type values:
    /// memory of its own, since a `LineOutcome` hands out its bytes after the parse returns.
    let outside: UnsafeMutableRawBufferPointer

    init(schema: LogSchema, keyFields: [String]) {
        let access = schema.accessLog
        pathPrefix = Array(access.pathPrefix.utf8)
        type = (access.typeParameters ?? schema.aliases[.type] ?? []).map { Array($0.utf8) }
        campaign = (access.campaignParameters ?? schema.aliases[.campaign] ?? []).map { Array($0.utf8) }
        self.keyFields = keyFields.map { Array($0.utf8) }
        let label = Array("(outside \(access.pathPrefix.isEmpty ? "any request" : access.pathPrefix))".utf8)
        outside = .allocate(byteCount: label.count, alignment: 1)
        outside.copyBytes(from: label)
    }

    deinit {
        outside.deallocate()
    }
}
