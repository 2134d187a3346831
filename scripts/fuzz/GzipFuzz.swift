// libFuzzer harness for the gzip reader: built by scripts/fuzz.sh together with the sources of
// TallyReader into one module, so it sees their internals.
//
// For any bytes: no crash or memory error (ASan), memory bounded by the decoder's buffers,
// the same answer (the same bytes, or a refusal) whatever the read sizes on either side, and
// the answer zlib's own gzip mode gives (tally reads headers and trailers itself). Where ISA-L
// is built in and installed, its decoding must give the same bytes, or the same error.

import CTallyZlib

@_cdecl("LLVMFuzzerTestOneInput")
public func gzipFuzzOne(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return 0 }
    let big = decode(bytes, inputStep: .max, outputChunk: 1 << 16)
    let small = decode(bytes, inputStep: 1 + Int(bytes.count % 509), outputChunk: 1 + Int(bytes.count % 4093))
    if big != small { fatalError("read sizes changed the answer: \(big) vs \(small)") }
    let zlib = zlibGzipMode(bytes)
    if big != zlib, zlib != .tooBig { fatalError("zlib's gzip mode answers otherwise: \(big) vs \(zlib)") }
    if Inflater.isal.isAvailable {
        let isal = decode(bytes, inflater: .isal, inputStep: 1 + Int(bytes.count % 251), outputChunk: 1 << 16)
        if !isalAgrees(isal, withZlib: big) { fatalError("ISA-L answers otherwise: \(isal) vs \(big)") }
    }
    return 0
}

/// The reference: zlib decoding gzip itself (16 + 15), member after member; after a member,
/// nothing but zero bytes is padding, as GzipDecoder has it.
private func zlibGzipMode(_ bytes: [UInt8]) -> Answer {
    var stream = z_stream()
    guard tally_inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK else { fatalError("inflateInit2") }
    defer { inflateEnd(&stream) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    return bytes.withUnsafeBufferPointer { input -> Answer in
        var position = 0
        while true {
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + position)
            stream.avail_in = UInt32(input.count - position)
            let code = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.next_out = buffer.baseAddress
                stream.avail_out = UInt32(buffer.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            position = input.count - Int(stream.avail_in)
            out.append(contentsOf: chunk[..<(chunk.count - Int(stream.avail_out))])
            if out.count > 64 << 20 { return .tooBig }
            switch code {
            case Z_OK:
                continue
            case Z_STREAM_END:
                if position == input.count || input[position...].allSatisfy({ $0 == 0 }) { return .bytes(out) }
                inflateReset(&stream)
            default:
                // Z_BUF_ERROR here means the input ended inside a member.
                return .refusedByZlib
            }
        }
    }
}

private enum Answer: Equatable {
    case bytes([UInt8])
    case refused(InputError)
    /// The reference's refusal, which gives no reason in tally's words.
    case refusedByZlib
    /// Past the bomb limit: the reference stops there and gives no answer.
    case tooBig

    static func == (lhs: Answer, rhs: Answer) -> Bool {
        switch (lhs, rhs) {
        case (.bytes(let a), .bytes(let b)): a == b
        case (.refused(let a), .refused(let b)): a == b
        case (.refused, .refusedByZlib), (.refusedByZlib, .refused), (.refusedByZlib, .refusedByZlib): true
        case (.tooBig, .tooBig): true
        default: false
        }
    }
}

private func decode(_ bytes: [UInt8], inflater: Inflater = .zlib, inputStep: Int, outputChunk: Int) -> Answer {
    let decoder = GzipDecoder(upstream: SlicedSource(bytes, step: inputStep), inflater: inflater, inputBufferSize: 512)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: outputChunk, alignment: 1)
    defer { buffer.deallocate() }
    var out: [UInt8] = []
    do {
        while true {
            let n = try decoder.read(into: buffer)
            if n == 0 { return .bytes(out) }
            out.append(contentsOf: buffer[..<n])
            // A small input that inflates past this is a bomb; stop, as tally's line cap would.
            if out.count > 64 << 20 { return .tooBig }
        }
    } catch {
        return .refused(error)
    }
}

/// As Tests/TallyReaderTests' `isalAgrees` (which says why): where zlib calls member N's deflate
/// data invalid, ISA-L must refuse member N or a later one, or succeed; where ISA-L calls it
/// invalid, zlib must refuse member N; otherwise the same answer.
private func isalAgrees(_ isal: Answer, withZlib zlib: Answer) -> Bool {
    if isal == zlib { return true }
    let damage = "invalid deflate data in member "
    func member(_ reason: String) -> Int? { reason.split(separator: " ").last.flatMap { Int($0) } }
    guard case .refused(.corrupt(let zlibWhy)) = zlib, let zlibMember = member(zlibWhy) else { return false }
    switch isal {
    case .bytes:
        return zlibWhy.hasPrefix(damage)
    case .refused(.corrupt(let isalWhy)):
        guard let isalMember = member(isalWhy) else { return false }
        if zlibWhy.hasPrefix(damage) { return isalMember >= zlibMember }
        return isalWhy.hasPrefix(damage) && isalMember == zlibMember
    default:
        return false
    }
}

private final class SlicedSource: ByteSource {
    let bytes: [UInt8]
    let step: Int
    var position = 0

    init(_ bytes: [UInt8], step: Int) {
        self.bytes = bytes
        self.step = step
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, step, bytes.count - position)
        for i in 0..<n { buffer[i] = bytes[position + i] }
        position += n
        return n
    }
}
