import Crypto

/// What an input holds, as a SHA-256 of its bytes as stored (compressed, for gzip): the same
/// file under any name, and only that file, has it.
///
/// A partial rollup names the inputs it covers by their fingerprints, so that no input is
/// counted twice when partials are merged, whatever the inputs were called where they were read.
/// SHA-256 rather than a faster non-cryptographic hash because a collision would double or lose
/// a whole file's counts silently; it hashes the stored (compressed) bytes, the fewest there are,
/// with the CPU's SHA instructions where it has them.
public struct ContentFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: [UInt8]

    public static let byteCount = 32

    /// - Precondition: `bytes.count == ContentFingerprint.byteCount`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a fingerprint is \(Self.byteCount) bytes")
        self.bytes = bytes
    }

    /// The fingerprint of `bytes` taken whole.
    public init(of bytes: UnsafeRawBufferPointer) {
        let hasher = Hasher()
        hasher.update(bytes)
        self = hasher.finish()
    }

    /// Lowercase hex, as `sha256sum` prints it.
    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Takes bytes in the order they were read; `finish()` gives their fingerprint. A class, so
    /// that the reader can feed it through a closure (`InputOpener.open(storedBytes:)`); used by
    /// one thread at a time, the one reading the input.
    final class Hasher: FingerprintHasher, @unchecked Sendable {
        private var state = SHA256()

        func update(_ bytes: UnsafeRawBufferPointer) {
            state.update(bufferPointer: bytes)
        }

        func finish() -> ContentFingerprint {
            ContentFingerprint(bytes: Array(state.finalize()))
        }
    }
}
