import CTallyZlib

/// Compresses bytes into one gzip member, handing the compressed bytes to a sink as they come.
///
/// The deflate counterpart of the reader's `ZlibInflater`: the one owner of a deflating
/// `z_stream`, kept at a fixed heap address because zlib points back at it.
final class GzipEncoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private let sink: (UnsafeRawBufferPointer) throws(WriteError) -> Void

    /// - Parameter sink: receives compressed bytes, in order.
    init(level: Int32 = 6, sink: @escaping (UnsafeRawBufferPointer) throws(WriteError) -> Void) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 16 + 15: a gzip wrapper around a 32 KiB window. Fails only without memory.
        let status = tally_deflateInit2(stream, level, 16 + MAX_WBITS)
        precondition(status == Z_OK, "deflateInit2 failed with \(status)")
        output = .allocate(byteCount: 1 << 16, alignment: 16)
        self.sink = sink
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(WriteError) {
        guard bytes.count > 0 else { return }
        precondition(bytes.count <= Int(UInt32.max), "avail_in is 32-bit")
        try run(bytes, flush: Z_NO_FLUSH)
    }

    func write(_ bytes: [UInt8]) throws(WriteError) {
        let written = bytes.withUnsafeBytes { raw in Result { () throws(WriteError) in try write(raw) } }
        try written.get()
    }

    /// Ends the member (trailer with CRC-32 and length). Nothing may be written after.
    func finish() throws(WriteError) {
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32) throws(WriteError) {
        // zlib never writes through next_in; the mutable cast is what its C signature asks for.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(input.count)
        while true {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(output.count)
            let status = deflate(stream, flush)
            precondition(status != Z_STREAM_ERROR, "deflate state is broken")
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[..<produced])) }
            if flush == Z_FINISH ? status == Z_STREAM_END : stream.pointee.avail_out != 0 { return }
        }
    }
}
