/// What a JSON value is, as far as the scanner tells.
enum JSONValueKind: UInt8 {
    case string, number, null, other
}

/// Where a wanted field's value lies in the line. For a string: the bytes between the quotes.
struct JSONFieldValue: Equatable {
    var kind = JSONValueKind.other
    var start = 0
    var end = 0
    var hasEscape = false
    /// The alias rank that supplied this value; `Int.max` while none did.
    var rank = Int.max

    /// Absent from the line, or JSON null.
    var isMissing: Bool { rank == Int.max || kind == .null }
}
