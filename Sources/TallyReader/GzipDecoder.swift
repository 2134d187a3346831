import CTallyKernels

/// Strict, streaming gzip decoding: every member, every trailer, nothing after the end.
///
/// Real producers write gzip in many shapes: `cat a.gz b.gz`, pigz, bgzip's BGZF blocks with an
/// empty end block, zopfli, headers with FNAME, FCOMMENT, FEXTRA or FHCRC. This type reads each
/// member's header and trailer itself (RFC 1952) and has an `Inflater` (zlib or ISA-L) inflate
/// the raw deflate data between them, so that every check below is the same whichever inflates.
/// The CRC-32 of the output is the inflater's fastest (`RawInflater.crc32`: with zlib, tally's
/// own carry-less multiply kernel, several times faster than zlib 1.2's tables). It refuses what
/// zlib's own gzip mode refuses: a method other than deflate, reserved flag bits, a wrong header
/// CRC, damaged deflate data (as the inflater finds it: see `Inflater`), a wrong CRC-32 or ISIZE.
/// And it decides the space between and after members:
///
/// - another member must start with the gzip magic `1f 8b`;
/// - zero bytes after the last member are padding (tape and block devices write it) and are
///   accepted only if nothing but zeros follows, up to the end;
/// - anything else, or an end of input inside a member, makes the whole input corrupt.
///
/// Memory stays fixed whatever the input: the decoder holds one input buffer and inflates
/// straight into the caller's buffer, and never sizes anything from ISIZE (it wraps at 4 GiB).
public final class GzipDecoder: ByteSource {
    private let upstream: any ByteSource
    private let inflater: any RawInflater

    // Invariant: 0 <= inputStart <= inputEnd <= input.count. Bytes in
    // input[inputStart..<inputEnd] are read from upstream and not yet used. Up to
    // `lookbehind` used bytes stay before inputStart: an inflater may hand back bytes it read
    // ahead in an earlier call (`InflateStep.consumed`).
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var upstreamEnded = false

    private enum Phase { case header, body, trailer, betweenMembers, finished }
    private var phase = Phase.header
    /// Members fully decoded and checked so far.
    private(set) var membersDone = 0
    /// The CRC-32 and the length (mod 2^32, as ISIZE has it) of the current member's output.
    private var crc: UInt32 = 0
    private var size: UInt32 = 0

    /// - Parameters:
    ///   - upstream: the compressed bytes, starting at the first member's magic.
    ///   - inflater: which library inflates; it must be available (`Inflater.isAvailable`).
    ///   - inputBufferSize: how much compressed input to read at a time.
    public init(upstream: any ByteSource, inflater: Inflater = .zlib, inputBufferSize: Int = 1 << 18) {
        precondition(inflater.isAvailable, "inflater \(inflater) is not available")
        // Room for a trailer and a header beyond what `lookbehind` keeps, so a refill always reads.
        precondition(inputBufferSize >= 64, "input buffer too small")
        self.upstream = upstream
        self.inflater = inflater.makeRawInflater()
        input = .allocate(byteCount: Self.lookbehind + inputBufferSize, alignment: 16)
    }

    /// Used input bytes kept before the unread ones (see the invariant above).
    private static let lookbehind = 8

    deinit {
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        var produced = 0
        while produced < buffer.count {
            switch phase {
            case .finished:
                return produced
            case .betweenMembers:
                try startNextMemberOrFinish()
            case .header:
                try readHeader()
                inflater.reset()
                crc = 0
                size = 0
                phase = .body
            case .trailer:
                try readTrailer()
                membersDone += 1
                phase = .betweenMembers
            case .body:
                // At the end of the input the inflater is still asked once more: it may hold the
                // stream's last bits, and must say whether they end it, whatever the read sizes.
                var inputEnded = false
                if inputStart == inputEnd { inputEnded = try !refill() }
                let output = UnsafeMutableRawBufferPointer(rebasing: buffer[produced...])
                let step = inflater.inflate(
                    input: UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]), output: output)
                if step.status == .dataError {
                    throw .corrupt("invalid deflate data in member \(membersDone + 1)")
                }
                inputStart += step.consumed
                // An inflater hands back at most what it read ahead, which `refill` keeps.
                precondition(inputStart >= 0, "inflater handed back more input than it had read")
                if step.produced > 0 {
                    // Checked while the bytes are still in cache; `produced` is far below 4 GiB.
                    crc = inflater.crc32(crc, output.baseAddress, step.produced)
                    size &+= UInt32(truncatingIfNeeded: step.produced)
                    produced += step.produced
                }
                if step.status == .streamEnd {
                    phase = .trailer
                } else if inputEnded, step.produced == 0 {
                    throw .corrupt("stream cut short in member \(membersDone + 1)")
                }
            }
        }
        return produced
    }

    // MARK: - Headers and trailers (RFC 1952, section 2.3)

    private enum Flag {
        static let headerCRC: UInt8 = 0x02, extra: UInt8 = 0x04, name: UInt8 = 0x08, comment: UInt8 = 0x10
        static let reserved: UInt8 = 0xe0
    }

    /// Reads a member's header up to its deflate data, checking what zlib's gzip mode checks.
    private func readHeader() throws(InputError) {
        let member = membersDone + 1
        var headerCRC: UInt32 = 0
        func byte() throws(InputError) -> UInt8 {
            guard try ensureAvailable(1) else { throw .corrupt("stream cut short in the header of member \(member)") }
            let value = input[inputStart]
            withUnsafeBytes(of: value) { headerCRC = tally_crc32(headerCRC, $0.baseAddress, 1) }
            inputStart += 1
            return value
        }
        guard try byte() == 0x1f, try byte() == 0x8b else { throw .corrupt("member \(member) has no gzip magic") }
        guard try byte() == 8 else { throw .corrupt("unknown compression method in member \(member)") }
        let flags = try byte()
        guard flags & Flag.reserved == 0 else { throw .corrupt("reserved header flags set in member \(member)") }
        for _ in 0..<6 { _ = try byte() }  // MTIME, XFL, OS: nothing to check
        if flags & Flag.extra != 0 {
            let length = Int(try byte()) | Int(try byte()) << 8
            for _ in 0..<length { _ = try byte() }
        }
        if flags & Flag.name != 0 { while try byte() != 0 {} }
        if flags & Flag.comment != 0 { while try byte() != 0 {} }
        if flags & Flag.headerCRC != 0 {
            let expected = UInt16(truncatingIfNeeded: headerCRC)
            let stored = UInt16(try byte()) | UInt16(try byte()) << 8
            guard stored == expected else { throw .corrupt("header CRC mismatch in member \(member)") }
        }
    }

    /// Reads and checks a member's trailer: the CRC-32 and the length of its output.
    private func readTrailer() throws(InputError) {
        let member = membersDone + 1
        guard try ensureAvailable(8) else { throw .corrupt("stream cut short in the trailer of member \(member)") }
        let storedCRC = UInt32(littleEndian: input.loadUnaligned(fromByteOffset: inputStart, as: UInt32.self))
        let storedSize = UInt32(littleEndian: input.loadUnaligned(fromByteOffset: inputStart + 4, as: UInt32.self))
        inputStart += 8
        guard storedCRC == crc else { throw .corrupt("incorrect data check (CRC-32) in member \(member)") }
        guard storedSize == size else { throw .corrupt("incorrect length check (ISIZE) in member \(member)") }
    }

    /// Decides what follows a member: another member, zero padding to the end, or the end.
    private func startNextMemberOrFinish() throws(InputError) {
        guard try ensureAvailable(1) else {
            phase = .finished
            return
        }
        if input[inputStart] == 0 {
            try consumeZeroPaddingToEnd()
            phase = .finished
            return
        }
        guard try ensureAvailable(2), input[inputStart] == 0x1f, input[inputStart + 1] == 0x8b else {
            throw .corrupt("unexpected data after member \(membersDone)")
        }
        phase = .header
    }

    private func consumeZeroPaddingToEnd() throws(InputError) {
        while true {
            while inputStart < inputEnd {
                guard input[inputStart] == 0 else {
                    throw .corrupt("data after the zero padding that follows member \(membersDone)")
                }
                inputStart += 1
            }
            guard try refill() else { return }
        }
    }

    /// Makes at least `count` unread bytes available; false if the input ends first.
    private func ensureAvailable(_ count: Int) throws(InputError) -> Bool {
        while inputEnd - inputStart < count {
            guard try refill() else { return false }
        }
        return true
    }

    /// Reads more compressed input after what is unread; false at the end of input.
    private func refill() throws(InputError) -> Bool {
        if upstreamEnded { return false }
        let kept = min(inputStart, Self.lookbehind)
        if inputStart > kept {
            let moved = inputEnd - inputStart + kept
            input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart - kept, byteCount: moved)
            inputStart = kept
            inputEnd = moved
        }
        let n = try upstream.read(into: UnsafeMutableRawBufferPointer(rebasing: input[inputEnd...]))
        if n == 0 {
            upstreamEnded = true
            return false
        }
        inputEnd += n
        return true
    }
}
