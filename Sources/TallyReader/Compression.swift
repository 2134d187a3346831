/// How an input's bytes are stored, told from its first bytes, never from its name.
public enum Compression: String, Sendable {
    case none, gzip

    /// The formats tally recognises and refuses, by magic number.
    static let refused: [(name: String, magic: [UInt8])] = [
        ("bzip2", [0x42, 0x5a, 0x68]),
        ("xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
        ("zstd", [0x28, 0xb5, 0x2f, 0xfd]),
        ("lz4", [0x04, 0x22, 0x4d, 0x18]),
        ("zip", [0x50, 0x4b, 0x03, 0x04]),
    ]
    static let gzipMagic: [UInt8] = [0x1f, 0x8b]
    static let longestMagic = 6
}
