import CZlib

/// The one owner of a zlib `z_stream`: every zlib call tally makes is in this file.
///
/// The stream lives at a fixed heap address because zlib keeps a pointer back to it and refuses
/// to work (`Z_STREAM_ERROR`) if the struct moves, which a Swift value may do at any time.
final class InflateStream {
    enum Status {
        /// Progress was made; call again with more input or more output space.
        case progress
        /// The deflate stream's last block was read; its gzip trailer is the caller's to check.
        case streamEnd
        /// zlib found the data damaged; the string is zlib's reason.
        case dataError(String)
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// Raw deflate (-15): `GzipDecoder` reads each member's header and trailer itself, so that
    /// the CRC-32 is computed by libdeflate (several times faster than zlib 1.2's) while zlib
    /// inflates.
    init() {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = tally_inflateInit2(stream, -MAX_WBITS)
        // Only memory exhaustion or a mismatched zlib.h can fail here; neither is recoverable.
        precondition(status == Z_OK, "inflateInit2 failed with \(status)")
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Makes the stream ready for the next member's deflate data, keeping its buffers.
    func reset() {
        inflateReset(stream)
    }

    /// Inflates from `input` into `output`.
    ///
    /// - Returns: the status, how many input bytes were consumed and how many output bytes were
    ///   written. Both buffers are bounded well below 4 GiB by the caller (`avail_in` is 32-bit).
    func inflate(
        input: UnsafeRawBufferPointer,
        output: UnsafeMutableRawBufferPointer
    ) -> (status: Status, consumed: Int, produced: Int) {
        precondition(input.count <= Int(UInt32.max) && output.count <= Int(UInt32.max))
        // zlib never writes through next_in; the mutable cast is what its C signature asks for.
        stream.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(output.count)
        let code = CZlib.inflate(stream, Z_NO_FLUSH)
        let consumed = input.count - Int(stream.pointee.avail_in)
        let produced = output.count - Int(stream.pointee.avail_out)
        switch code {
        case Z_OK, Z_BUF_ERROR:
            // Z_BUF_ERROR only says no progress was possible: the caller brings input or space.
            return (.progress, consumed, produced)
        case Z_STREAM_END:
            return (.streamEnd, consumed, produced)
        case Z_NEED_DICT:
            return (.dataError("member needs a preset dictionary"), consumed, produced)
        case Z_MEM_ERROR:
            // Out of memory inside zlib's small fixed state: not something to report per file.
            fatalError("zlib ran out of memory")
        default:
            let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(code)"
            return (.dataError(reason), consumed, produced)
        }
    }
}
