/// Why an input could not be read to its end. Each case says whose fault it is, because that
/// decides the exit status: missing (66), bad data (65) or an I/O failure (74).
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path does not exist.
    case notFound
    /// The path exists but cannot be opened or listed (permissions, not a file).
    case unreadable(String)
    /// A directory named as input holds no file to read: the night's logs did not arrive?
    case noFiles
    /// The content is damaged: a gzip header, CRC, length or stream that does not check out.
    case corrupt(String)
    /// The content is compressed in a format tally does not read (bzip2, xz, zstd, ...).
    case unsupportedCompression(String)
    /// Not gzip, yet not text either: a NUL byte near the start. Usually a gzip file whose first
    /// bytes are damaged, or a format tally does not know.
    case binary
    /// The operating system failed a read.
    case io(String)
    /// tally itself ran out of something (descriptors, memory) opening the input: not the
    /// input's fault, and not to be reported as if it were.
    case outOfResources(String)

    /// Whose fault it is, which decides the exit status.
    public enum Kind: Sendable {
        /// Not there, not readable, or nothing in it (66).
        case missing
        /// There, but damaged or in a refused format (65).
        case badData
        /// The operating system failed (74).
        case io
        /// tally ran out of descriptors or memory (71).
        case resources
    }

    public var kind: Kind {
        switch self {
        case .notFound, .unreadable, .noFiles: .missing
        case .corrupt, .unsupportedCompression, .binary: .badData
        case .io: .io
        case .outOfResources: .resources
        }
    }

    public var description: String {
        switch self {
        case .notFound: "no such file or directory"
        case .unreadable(let why): "cannot read: \(why)"
        case .noFiles: "no input files in this directory"
        case .corrupt(let why): "corrupt gzip: \(why)"
        case .unsupportedCompression(let name):
            "\(name)-compressed input is not supported; decompress it first or recompress it with gzip"
        case .binary:
            "binary data, not text: a damaged gzip file, or compressed in a format tally does not know?"
        case .io(let why): "read error: \(why)"
        case .outOfResources(let why):
            "tally could not open it: \(why) (a limit of this run's, not a fault of the input)"
        }
    }
}
