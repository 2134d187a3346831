import TallyBytes

/// Decodes the body of a JSON string that has escapes into UTF-8 bytes, in a buffer it reuses.
///
/// Only the slow path: values without a backslash are used in place. Surrogate pairs are
/// combined; a lone surrogate is not a character and makes the string invalid.
struct EscapeDecoder {
    private let storage = ScratchBuffer()

    /// - Parameter body: a string body already checked by `Cursor.skipStringBody` (so every
    ///   backslash starts a complete escape).
    /// - Returns: the decoded bytes, valid until the next call; nil for a lone surrogate.
    mutating func decode(_ body: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        // Decoding never grows a string: every escape is at least as long as what it stands for.
        let out = storage.reserve(body.count)
        var i = 0
        var n = 0
        while i < body.count {
            let c = body[i]
            guard c == ASCII.backslash else {
                out[n] = c
                n += 1
                i += 1
                continue
            }
            let e = body[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out[n] = 0x08
            case UInt8(ascii: "f"): out[n] = 0x0c
            case UInt8(ascii: "n"): out[n] = ASCII.newline
            case UInt8(ascii: "r"): out[n] = ASCII.carriageReturn
            case UInt8(ascii: "t"): out[n] = ASCII.tab
            case UInt8(ascii: "u"):
                var scalar = Self.hex4(body, i)
                i += 4
                if scalar >= 0xd800, scalar <= 0xdbff {
                    guard i + 6 <= body.count, body[i] == ASCII.backslash, body[i + 1] == UInt8(ascii: "u")
                    else { return nil }
                    let low = Self.hex4(body, i + 2)
                    guard low >= 0xdc00, low <= 0xdfff else { return nil }
                    scalar = 0x10000 + ((scalar - 0xd800) << 10) + (low - 0xdc00)
                    i += 6
                } else if scalar >= 0xdc00, scalar <= 0xdfff {
                    return nil
                }
                n += Self.writeUTF8(scalar, to: out + n)
                continue
            default: out[n] = e  // `"`, `\` and `/` stand for themselves
            }
            n += 1
        }
        return UnsafeRawBufferPointer(start: out, count: n)
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func hex4(_ body: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in at..<(at + 4) {
            // Checked by the scanner before any decoding happens.
            value = value << 4 | hexValue(body[i])!
        }
        return value
    }

    private static func writeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case ..<0x80:
            out[0] = UInt8(scalar)
            return 1
        case ..<0x800:
            out[0] = UInt8(0xc0 | scalar >> 6)
            out[1] = UInt8(0x80 | scalar & 0x3f)
            return 2
        case ..<0x10000:
            out[0] = UInt8(0xe0 | scalar >> 12)
            out[1] = UInt8(0x80 | scalar >> 6 & 0x3f)
            out[2] = UInt8(0x80 | scalar & 0x3f)
            return 3
        default:
            out[0] = UInt8(0xf0 | scalar >> 18)
            out[1] = UInt8(0x80 | scalar >> 12 & 0x3f)
            out[2] = UInt8(0x80 | scalar >> 6 & 0x3f)
            out[3] = UInt8(0x80 | scalar & 0x3f)
            return 4
        }
    }
}
