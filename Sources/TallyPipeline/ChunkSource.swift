import TallyReader

/// An input's decoded bytes as a series of chunks, whichever thread decodes them: the worker's
/// own (`DirectChunks`) or one of the pump's (`ChunkPump`).
protocol ChunkSource {
    /// Calls `body` with each chunk in order, until the end of the input. A chunk is valid only
    /// during the call.
    /// - Throws: the input's error, after the chunks before it.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) -> Void) throws(InputError)
}

/// Decodes on the calling thread, into one buffer that each chunk reuses.
struct DirectChunks: ChunkSource {
    let source: any ByteSource
    let buffer: UnsafeMutableRawBufferPointer

    func forEachChunk(_ body: (UnsafeRawBufferPointer) -> Void) throws(InputError) {
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { return }
            body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }
}
