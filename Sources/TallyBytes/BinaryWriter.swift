/// Writes the primitives of tally's binary files (the partial rollup): unsigned LEB128
/// integers, signed ones zigzagged, and byte strings prefixed by their length.
///
/// LEB128 because the values are mostly small (counts, ids, lengths) and a file of them is
/// then about a third the size of one of fixed-width words; every value still has exactly one
/// encoding, so equal content is equal bytes.
public struct BinaryWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// A writer with room for `capacity` bytes before its buffer must grow.
    public init(reservingCapacity capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    public mutating func append(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    public mutating func append(_ value: Int) {
        precondition(value >= 0, "a negative count or length")
        append(UInt64(value))
    }

    /// A signed value, zigzagged so that small negative numbers stay short.
    public mutating func append(signed value: Int64) {
        append(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func append(bytes raw: UnsafeRawBufferPointer) {
        append(raw.count)
        bytes.append(contentsOf: raw)
    }

    public mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// `value` as eight bytes, little-endian (a fixed-size value, such as a hash).
    public mutating func append(fixed value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Bytes as they are, without a length (for what has a fixed size).
    public mutating func append(raw: [UInt8]) {
        bytes.append(contentsOf: raw)
    }
}
