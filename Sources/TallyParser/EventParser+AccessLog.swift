import TallyBytes

extension EventParser {
    /// One access-log line: a pixel request's time from the brackets, its type and campaign (and
    /// any other key fields) from the query's parameters, percent-decoded. A line that is not an
    /// access-log line is `malformed`; a request outside the path prefix, or no request at all
    /// (`"-"`, a TLS handshake), is ignored, shown as `(outside PREFIX)` among the ignored types.
    /// The checks run in the order the type documents: a missing parameter, the type, the
    /// campaign, the time, the other key fields.
    mutating func parseAccessLog(_ line: UnsafeRawBufferPointer, names: AccessLogNames) -> LineOutcome {
        if Self.hasNul(line) { return .rejected(.nulByte) }
        guard let request = AccessLogLine(line: line) else { return .rejected(.malformed) }
        let inside = names.pathPrefix.withUnsafeBytes { request.pathHasPrefix($0) }
        guard inside else { return .ignored(type: UnsafeRawBufferPointer(names.outside)) }
        let query = QueryParameters(request.query)
        func first(_ candidates: [[UInt8]]) -> UnsafeRawBufferPointer? {
            for name in candidates {
                if let value = name.withUnsafeBytes({ query.value(named: $0) }) { return value }
            }
            return nil
        }
        let typeValue = fixedKind == nil ? first(names.type) : nil
        guard let campaignValue = first(names.campaign), fixedKind != nil || typeValue != nil else {
            return .rejected(.missingField)
        }
        let kind: EventKind
        if let fixedKind {
            kind = fixedKind
        } else {
            guard let typeText = QueryParameters.percentDecoded(typeValue!, into: percentScratch[0]) else {
                return .rejected(.malformed)
            }
            if typeText.isEmpty { return .rejected(.missingField) }
            guard let found = recentType.lookup(typeText, in: typeNames, foldingCase: true) else {
                return .ignored(type: typeText)
            }
            kind = found
        }
        guard let campaign = QueryParameters.percentDecoded(campaignValue, into: percentScratch[1]) else {
            return .rejected(.malformed)
        }
        if let reason = Self.checkCampaign(campaign, mayHoldNul: true) { return .rejected(reason) }
        let time = timeParser.parse(accessLogTime: request.time)
        guard !keyIsCampaign, case .instant(let instant) = time else { return Self.event(time, kind, campaign) }
        let scratch = percentScratch[2]
        return buildKey(instant, kind, campaign: campaign) { _, index in
            guard let raw = names.keyFields[index].withUnsafeBytes({ query.value(named: $0) }) else {
                return .value(UnsafeRawBufferPointer(start: nil, count: 0))
            }
            guard let value = QueryParameters.percentDecoded(raw, into: scratch) else { return .rejected(.malformed) }
            if EventParser.hasNul(value) { return .rejected(.nulByte) }
            return .value(value)
        }
    }
}
