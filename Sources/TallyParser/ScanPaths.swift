/// Whether a `JSONFieldScanner` takes its shortcuts, as a type: the choice is made when the code
/// is compiled, not read on every line. The product scans with `FastPaths`; the tests also with a
/// type of their own that turns the shortcuts off, to hold them to the plain byte-by-byte walk.
protocol ScanPaths {
    static var usesShortcuts: Bool { get }
}

enum FastPaths: ScanPaths {
    static var usesShortcuts: Bool { true }
}
