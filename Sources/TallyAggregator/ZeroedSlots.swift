import CTallyKernels

extension Array where Element == UInt32 {
    /// `count` zeros, for an open-addressing table's slots, in huge pages where the table is
    /// large enough to have them (`tally_advise_huge_pages`): such a table is read at random,
    /// and a wide key's tables are tens of megabytes.
    init(zeroedSlots count: Int) {
        self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            // Asked before the first touch: the zeros below are what fault the pages in.
            tally_advise_huge_pages(buffer.baseAddress, count * MemoryLayout<UInt32>.stride)
            buffer.initialize(repeating: 0)
            initialized = count
        }
    }
}
