/// Why bytes given to a canonical decoder (`RollupTable.decode`, `HyperLogLog.decode`) are not
/// what its encoder writes: cut or malformed, or a form the encoder never writes, which is
/// refused so that one content has one encoding.
public enum CanonicalDecodingError: Error, Equatable, CustomStringConvertible {
    case malformed(BinaryReader.Malformed)
    case notCanonical(String)

    public var description: String {
        switch self {
        case .malformed(let why): "\(why)"
        case .notCanonical(let why): why
        }
    }
}
