/// Turns bytes written in order into a file's bytes, handed to a sink as they are made: gzip
/// (`GzipEncoder`), or the bytes as they are, in blocks (`BufferedEncoder`).
protocol ByteEncoder: AnyObject {
    func write(_ bytes: [UInt8]) throws(WriteError)
    /// Hands over what is left; nothing may be written after.
    func finish() throws(WriteError)
}

extension GzipEncoder: ByteEncoder {}

/// The bytes as they are, gathered into blocks so that a file gets one write a block, not one a
/// record.
final class BufferedEncoder: ByteEncoder {
    private var buffer: [UInt8] = []
    private let blockSize: Int
    private let sink: (UnsafeRawBufferPointer) throws(WriteError) -> Void

    init(blockSize: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) throws(WriteError) -> Void) {
        self.blockSize = blockSize
        self.sink = sink
        buffer.reserveCapacity(blockSize)
    }

    func write(_ bytes: [UInt8]) throws(WriteError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { try flush() }
    }

    func finish() throws(WriteError) {
        try flush()
    }

    private func flush() throws(WriteError) {
        guard !buffer.isEmpty else { return }
        let written = buffer.withUnsafeBytes { raw in Result { () throws(WriteError) in try sink(raw) } }
        buffer.removeAll(keepingCapacity: true)
        try written.get()
    }
}
