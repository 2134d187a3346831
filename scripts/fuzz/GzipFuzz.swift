// libFuzzer harness for the gzip reader: built by scripts/fuzz.sh together with the sources of
// TallyReader into one module, so it sees their internals.
//
// For any bytes: no crash or memory error (ASan), memory bounded by the decoder's buffers, and
// the same answer (the same bytes, or a refusal) whatever the read sizes on either side.

@_cdecl("LLVMFuzzerTestOneInput")
public func gzipFuzzOne(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return 0 }
    let big = decode(bytes, inputStep: .max, outputChunk: 1 << 16)
    let small = decode(bytes, inputStep: 1 + Int(bytes.count % 509), outputChunk: 1 + Int(bytes.count % 4093))
    if big != small { fatalError("read sizes changed the answer: \(big) vs \(small)") }
    return 0
}

private enum Answer: Equatable {
    case bytes([UInt8])
    case refused
}

private func decode(_ bytes: [UInt8], inputStep: Int, outputChunk: Int) -> Answer {
    let decoder = GzipDecoder(upstream: SlicedSource(bytes, step: inputStep), inputBufferSize: 512)
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: outputChunk, alignment: 1)
    defer { buffer.deallocate() }
    var out: [UInt8] = []
    do {
        while true {
            let n = try decoder.read(into: buffer)
            if n == 0 { return .bytes(out) }
            out.append(contentsOf: buffer[..<n])
            // A small input that inflates past this is a bomb; stop, as tally's line cap would.
            if out.count > 64 << 20 { return .refused }
        }
    } catch {
        return .refused
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
