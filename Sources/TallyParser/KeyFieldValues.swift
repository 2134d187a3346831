/// The values of the key fields other than the campaign, by index, for one line. The first
/// member of each name wins (they have one name each, so this is the rule for aliases too).
final class KeyFieldValues {
    let count: Int
    private let values: UnsafeMutablePointer<JSONFieldValue>
    /// How many of the fields the line has had so far.
    private(set) var found = 0

    init(count: Int) {
        self.count = count
        values = .allocate(capacity: count)
        values.initialize(repeating: JSONFieldValue(), count: count)
    }

    deinit {
        values.deallocate()
    }

    subscript(index: Int) -> JSONFieldValue { values[index] }

    func reset() {
        values.update(repeating: JSONFieldValue(), count: count)
        found = 0
    }

    @inline(__always)
    func record(_ value: JSONFieldValue, at index: Int) {
        guard values[index].rank == Int.max else { return }
        values[index] = value
        found += 1
    }
}
