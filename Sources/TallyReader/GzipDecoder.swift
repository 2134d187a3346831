/// Strict, streaming gzip decoding: every member, every trailer, nothing after the end.
///
/// Real producers write gzip in many shapes: `cat a.gz b.gz`, pigz, bgzip's BGZF blocks with an
/// empty end block, zopfli, headers with FNAME, FCOMMENT, FEXTRA or FHCRC. They all reach
/// zlib the same way: member after member, each checked by zlib against its CRC-32 and ISIZE
/// (zlib also refuses reserved FLG bits and a wrong FHCRC). What zlib leaves to the caller is
/// the space between and after members, which this type decides:
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
    private let inflater = InflateStream()

    // Invariant: 0 <= inputStart <= inputEnd <= input.count. Bytes in
    // input[inputStart..<inputEnd] are read from upstream and not yet given to zlib.
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var upstreamEnded = false

    private enum Phase { case inMember, betweenMembers, finished }
    private var phase = Phase.inMember
    private var membersDone = 0

    /// - Parameters:
    ///   - upstream: the compressed bytes, starting at the first member's magic.
    ///   - inputBufferSize: how much compressed input to read at a time.
    public init(upstream: any ByteSource, inputBufferSize: Int = 1 << 18) {
        self.upstream = upstream
        input = .allocate(byteCount: inputBufferSize, alignment: 16)
    }

    deinit {
        input.deallocate()
    }

    /// Members fully decoded and checked so far.
    public var memberCount: Int { membersDone }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        var produced = 0
        while produced < buffer.count {
            switch phase {
            case .finished:
                return produced
            case .betweenMembers:
                try startNextMemberOrFinish()
            case .inMember:
                if inputStart == inputEnd {
                    guard try refill() else {
                        throw .corrupt("stream cut short in member \(membersDone + 1)")
                    }
                }
                let step = inflater.inflate(
                    input: UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]),
                    output: UnsafeMutableRawBufferPointer(rebasing: buffer[produced...]))
                inputStart += step.consumed
                produced += step.produced
                switch step.status {
                case .progress:
                    break
                case .memberEnd:
                    membersDone += 1
                    phase = .betweenMembers
                case .dataError(let reason):
                    throw .corrupt("\(reason) in member \(membersDone + 1)")
                }
            }
        }
        return produced
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
        inflater.reset()
        phase = .inMember
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
        if inputStart > 0 {
            let unread = inputEnd - inputStart
            if unread > 0 {
                input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: unread)
            }
            inputStart = 0
            inputEnd = unread
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
