/// The values of the key fields other than the campaign, by index, for one line. The first
/// member of each name wins (they have one name each, so this is the rule for aliases too).
final class KeyFieldValues {
    let count: Int
    private let storage: UnsafeMutablePointer<JSONFieldValue>
    /// How many of the fields the line has had so far.
    private(set) var found = 0

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: JSONFieldValue(), count: count)
    }

    deinit {
        storage.deallocate()
    }

    subscript(index: Int) -> JSONFieldValue { storage[index] }

    /// Every value, by index, valid while this object lives and until `reset()`.
    var values: UnsafeBufferPointer<JSONFieldValue> { UnsafeBufferPointer(start: storage, count: count) }

    func reset() {
        storage.update(repeating: JSONFieldValue(), count: count)
        found = 0
    }

    @inline(__always)
    func record(_ value: JSONFieldValue, at index: Int) {
        guard storage[index].rank == Int.max else { return }
        storage[index] = value
        found += 1
    }
}
