import Foundation
import TallyReader
import TallyTestSupport

let fixtures = Repository.fixtures

/// The inflaters this build can use: zlib always, ISA-L where it is built in and installed.
/// Tests that decode run once with each.
let inflaters = Inflater.allCases.filter(\.isAvailable)

/// Whether ISA-L's answer for an input is the one zlib's requires: the same bytes, or the same
/// error. Except inside damaged deflate data, which the two notice differently: zlib checks a
/// block's Huffman tables more strictly (ISA-L may decode a malformed table into the very bytes
/// the member's CRC-32 and length vouch for, or on into garbage that fails them), and ISA-L may
/// call data invalid before zlib has read enough to tell it from a cut. So: where zlib calls
/// member N's deflate data invalid, ISA-L must refuse member N or a later one, or succeed; where
/// ISA-L calls it invalid, zlib must refuse member N.
func isalAgrees(_ isal: Result<[UInt8], InputError>, withZlib zlib: Result<[UInt8], InputError>) -> Bool {
    if isal == zlib { return true }
    guard case .failure(.corrupt(let zlibWhy)) = zlib, let zlibMember = memberNamed(in: zlibWhy) else { return false }
    switch isal {
    case .success:
        return zlibWhy.hasPrefix(deflateDamage)
    case .failure(.corrupt(let isalWhy)):
        guard let isalMember = memberNamed(in: isalWhy) else { return false }
        if zlibWhy.hasPrefix(deflateDamage) { return isalMember >= zlibMember }
        return isalWhy.hasPrefix(deflateDamage) && isalMember == zlibMember
    case .failure:
        return false
    }
}

let deflateDamage = "invalid deflate data in member "

/// The member a gzip error names: its reasons all end with the member's number.
func memberNamed(in reason: String) -> Int? {
    reason.split(separator: " ").last.flatMap { Int($0) }
}

/// A source over bytes in memory that hands them out at most `step` at a time, so tests can put
/// the read boundaries anywhere.
final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private let step: Int
    private var position = 0

    init(_ bytes: [UInt8], step: Int = .max) {
        self.bytes = bytes
        self.step = step
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, step, bytes.count - position)
        bytes.withUnsafeBytes { raw in
            buffer.baseAddress!.copyMemory(from: raw.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }
}

/// Reads `source` to its end, `chunk` bytes at a time.
func drain(_ source: any ByteSource, chunk: Int = 1 << 16) throws(InputError) -> [UInt8] {
    var out: [UInt8] = []
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
    defer { buffer.deallocate() }
    while true {
        let n = try source.read(into: buffer)
        if n == 0 { return out }
        out.append(contentsOf: buffer[..<n])
    }
}

func gzipped(_ text: String) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "gzip -c -n"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
}
