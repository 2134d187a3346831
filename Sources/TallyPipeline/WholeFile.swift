import TallyReader

extension InputLocation {
    /// Every byte of the file (or standard input), read to its end: for the small files tally
    /// reads whole, a partial rollup or a `--campaigns` file.
    func wholeContents() throws(InputError) -> [UInt8] {
        let source =
            switch self {
            case .file(let path): try FileDescriptorSource(path: path)
            case .standardInput: FileDescriptorSource(fd: 0, closesOnDeinit: false)
            }
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try source.read(into: chunk)
            if n == 0 { return bytes }
            bytes += chunk[..<n]
        }
    }
}
