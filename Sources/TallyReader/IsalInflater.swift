import CIsal

/// ISA-L's inflater (igzip) behind the `RawInflater` interface; every ISA-L call tally makes is
/// in this file and in `Sources/CIsal`.
final class IsalInflater: RawInflater {
    private let stream: OpaquePointer

    /// Only made when `Inflater.isal.isAvailable`; the C side then cannot fail but for memory.
    init() {
        guard let stream = tally_isal_create() else { fatalError("ISA-L inflater could not be made") }
        self.stream = stream
    }

    deinit {
        tally_isal_destroy(stream)
    }

    func reset() {
        tally_isal_reset(stream)
    }

    /// ISA-L's own, which folds 512 bits at a time where the CPU has AVX-512 (tally's kernel
    /// folds 128).
    func crc32(_ crc: UInt32, _ bytes: UnsafeRawPointer?, _ count: Int) -> UInt32 {
        tally_isal_crc32(crc, bytes?.assumingMemoryBound(to: UInt8.self), count)
    }

    func inflate(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> InflateStep {
        precondition(input.count <= Int(UInt32.max) && output.count <= Int(UInt32.max))
        var consumed: Int64 = 0
        var produced: UInt32 = 0
        let code = tally_isal_inflate(
            stream, input.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(input.count),
            output.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(output.count), &consumed, &produced)
        let status: InflateStep.Status =
            switch code {
            case TALLY_ISAL_PROGRESS: .progress
            case TALLY_ISAL_STREAM_END: .streamEnd
            default: .dataError
            }
        return InflateStep(status: status, consumed: Int(consumed), produced: Int(produced))
    }
}
