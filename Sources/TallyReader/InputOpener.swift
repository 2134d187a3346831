import Glibc
import TallyPaths

/// Opens inputs and puts the right decoder in front of them.
public enum InputOpener {
    /// - Parameters:
    ///   - inflater: what inflates a gzip input; it must be available.
    ///   - onRead: told how many bytes of a file are read as stored, each time (for progress).
    ///   - storedBytes: given every byte of the input as stored, once and in order, as the
    ///     source reads them (on the thread that reads it), for a fingerprint; all of them once
    ///     the source has returned 0.
    ///   - readAhead: read a regular file on a thread of its own, ahead of its decoder
    ///     (`FileDescriptorSource.startReadingAhead()`), when one can be started; `onRead` and
    ///     `storedBytes` are then called on that thread.
    public static func open(
        _ location: InputLocation, inflater: Inflater = .zlib, onRead: (@Sendable (Int) -> Void)? = nil,
        storedBytes: ((UnsafeRawBufferPointer) -> Void)? = nil, readAhead: Bool = false
    ) throws(InputError) -> OpenedInput {
        let raw: FileDescriptorSource
        switch location {
        case .file(let path):
            raw = try FileDescriptorSource(path: path)
            // Progress counts what the total counts: files with a size.
            if raw.isRegularFile { raw.onRead = onRead }
        case .standardInput: raw = FileDescriptorSource(fd: STDIN_FILENO, closesOnDeinit: false)
        }
        raw.onBytes = storedBytes
        let head = try raw.readUpTo(Compression.longestMagic)
        raw.pushBack(head)
        if head.isEmpty {
            return OpenedInput(source: raw, compression: .none, isEmpty: true)
        }
        if head.starts(with: Compression.gzipMagic) {
            // After the sniffing, which read the head on this thread, and before any of the rest.
            if readAhead { raw.startReadingAhead() }
            return OpenedInput(
                source: GzipDecoder(upstream: raw, inflater: inflater), compression: .gzip, isEmpty: false)
        }
        // A whole input of the one byte that starts gzip's magic: a gzip file cut after its
        // first byte, not a log (as text it would be a header line, and the run would succeed).
        if head == [Compression.gzipMagic[0]] {
            throw .corrupt("stream cut short after its first byte")
        }
        for format in Compression.refused where head.starts(with: format.magic) {
            throw .unsupportedCompression(format.name)
        }
        if readAhead { raw.startReadingAhead() }
        return OpenedInput(source: TextSource(upstream: raw), compression: .none, isEmpty: false)
    }

    /// Whether `open(_:readAhead: true)` would read `location` on a thread of its own: a path to
    /// a regular file (not a pipe such as `<(zcat ...)`, nor standard input), as it is now. Asked
    /// before opening, to choose where the input's fingerprint is taken; if the answer changes by
    /// then, or no thread can be started, only that choice is the slower one.
    public static func readsAhead(_ location: InputLocation) -> Bool {
        guard case .file(let path) = location else { return false }
        var info = stat()
        return SystemPath.withCString(path) { stat($0, &info) } == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
