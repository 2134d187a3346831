enum UTF8Validation {
    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or values past
    /// U+10FFFF), with an eight-bytes-at-a-time pass for the common all-ASCII case.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = bytes.count
        // A short value (a key field: a country, an id) read as two overlapping words.
        if n >= 8 && n <= 16 {
            let words =
                bytes.loadUnaligned(as: UInt64.self) | bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            if words & 0x8080_8080_8080_8080 == 0 { return true }
        } else if n >= 4 && n < 8 {
            let words =
                bytes.loadUnaligned(as: UInt32.self) | bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            if words & 0x8080_8080 == 0 { return true }
        }
        while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xbf
            switch b0 {
            case 0xc2...0xdf: length = 2
            case 0xe0:
                length = 3
                low = 0xa0
            case 0xe1...0xec, 0xee...0xef: length = 3
            case 0xed:
                length = 3
                high = 0x9f
            case 0xf0:
                length = 4
                low = 0x90
            case 0xf1...0xf3: length = 4
            case 0xf4:
                length = 4
                high = 0x8f
            default: return false
            }
            guard i + length <= n else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= low, b1 <= high else { return false }
            for k in 2..<length where bytes[i + k] & 0xc0 != 0x80 {
                return false
            }
            i += length
        }
        return true
    }
}
