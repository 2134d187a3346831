import Glibc

/// File paths as the system has them, bytes, carried in tally's Strings.
///
/// A Linux path is any bytes but NUL, and a Swift String is Unicode: a path that is not UTF-8 (a
/// Latin-1 file name, say) cannot be a String as it is, and Swift's own conversions replace its
/// bytes with U+FFFD, which names another file. So each byte of a path that is not part of valid
/// UTF-8 is carried as one private-use character, U+F700 + the byte (U+F780 to U+F7FF), and
/// turned back into that byte at every system call. To keep the mapping one to one, a path's own
/// characters in that range (valid UTF-8, and rarer than rare) are carried byte by byte the same
/// way. A path that is UTF-8 is its String unchanged.
public enum SystemPath {
    /// Whether `scalar` carries a byte of a path that is not UTF-8.
    public static func isCarrier(_ scalar: Unicode.Scalar) -> Bool {
        (0xF780...0xF7FF).contains(scalar.value)
    }

    /// The byte that a carrier stands for.
    public static func byte(carriedBy scalar: Unicode.Scalar) -> UInt8 {
        UInt8(truncatingIfNeeded: scalar.value - 0xF700)
    }

    /// The String for a path's bytes.
    public static func string<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        if let text = String(validating: bytes, as: UTF8.self), !text.unicodeScalars.contains(where: isCarrier) {
            return text
        }
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < bytes.count {
            var iterator = bytes[index...].makeIterator()
            var decoder = UTF8()
            if case .scalarValue(let scalar) = decoder.decode(&iterator), !isCarrier(scalar) {
                scalars.append(scalar)
                index += UTF8.width(scalar)
            } else {
                scalars.append(Unicode.Scalar(0xF700 + UInt32(bytes[index]))!)
                index += 1
            }
        }
        return String(scalars)
    }

    /// The bytes of the path that `path` carries.
    public static func bytes(_ path: String) -> [UInt8] {
        guard path.unicodeScalars.contains(where: isCarrier) else { return Array(path.utf8) }
        var bytes: [UInt8] = []
        for scalar in path.unicodeScalars {
            if isCarrier(scalar) {
                bytes.append(byte(carriedBy: scalar))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// Calls `body` with the path's bytes as a NUL-terminated C string, for a system call.
    public static func withCString<Result>(_ path: String, _ body: (UnsafePointer<CChar>) -> Result) -> Result {
        var bytes = bytes(path)
        bytes.append(0)
        return bytes.withUnsafeBytes { body($0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
    }

    /// `path` for a person to read: each byte that is not UTF-8 written `\xNN`.
    public static func displayed(_ path: String) -> String {
        guard path.unicodeScalars.contains(where: isCarrier) else { return path }
        var shown = ""
        for scalar in path.unicodeScalars {
            if isCarrier(scalar) {
                shown += "\\x" + String(byte(carriedBy: scalar), radix: 16)
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }
}
