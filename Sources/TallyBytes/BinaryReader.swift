/// Reads what `BinaryWriter` wrote, refusing anything that it could not have written: a value
/// cut short, one longer than its type, a length past the end.
public struct BinaryReader {
    /// Why the bytes are not what was expected; `offset` is where, from the start.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let what: String

        public init(offset: Int, what: String) {
            self.offset = offset
            self.what = what
        }

        public var description: String { "\(what) at byte \(offset)" }
    }

    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func readUInt64() throws(Malformed) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < bytes.count else { throw Malformed(offset: start, what: "a number cut short") }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte may hold only the top bit; a last byte of 0 would be a second encoding.
            guard shift < 63 || byte <= 1 else { throw Malformed(offset: start, what: "a number too large") }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                guard byte != 0 || shift == 0 else { throw Malformed(offset: start, what: "a number padded") }
                return value
            }
            shift += 7
        }
    }

    /// A count or length, at most `limit`.
    public mutating func readInt(atMost limit: Int = Int.max) throws(Malformed) -> Int {
        let start = offset
        let value = try readUInt64()
        guard value <= UInt64(limit) else { throw Malformed(offset: start, what: "a count of \(value), over \(limit)") }
        return Int(value)
    }

    public mutating func readSigned() throws(Malformed) -> Int64 {
        let value = try readUInt64()
        return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    /// Calls `body` with the next length-prefixed byte string, in place.
    public mutating func readBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) throws(Malformed) -> R {
        let start = offset
        let count = try readInt()
        guard count <= bytes.count - offset else { throw Malformed(offset: start, what: "a string past the end") }
        defer { offset += count }
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[offset..<offset + count])) }
    }

    /// The next string, which must be UTF-8.
    public mutating func readString() throws(Malformed) -> String {
        let start = offset
        let string = try readBytes { String(validating: $0, as: UTF8.self) }
        guard let string else { throw Malformed(offset: start, what: "text that is not UTF-8") }
        return string
    }

    /// How many bytes are left to read.
    public var remainingCount: Int { bytes.count - offset }

    /// The next eight bytes as an unsigned little-endian number (a fixed-size value, such as a hash).
    public mutating func readFixedUInt64() throws(Malformed) -> UInt64 {
        guard remainingCount >= 8 else { throw Malformed(offset: offset, what: "bytes cut short") }
        defer { offset += 8 }
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    }

    /// The next `count` bytes as they are.
    public mutating func readRaw(_ count: Int) throws(Malformed) -> [UInt8] {
        guard count <= bytes.count - offset else { throw Malformed(offset: offset, what: "bytes cut short") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }
}
