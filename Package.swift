// swift-tools-version: 6.1
import Foundation
import PackageDescription

// ISA-L's inflater is compiled in where its header is installed (Debian libisal-dev), unless
// TALLY_WITHOUT_ISAL is set: how CI keeps the zlib-only build tested on a machine that has it.
let withoutISAL = ProcessInfo.processInfo.environment["TALLY_WITHOUT_ISAL"].map { !$0.isEmpty && $0 != "0" } ?? false

// Data flows one way, down this list: Reader -> Parser -> Aggregator -> Writer, wired by
// Pipeline, driven by the `tally` command. No stage imports a stage below it.
let package = Package(
    name: "tally",
    products: [
        .executable(name: "tally", targets: ["tally"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // SHA-256 for input fingerprints (BoringSSL's, which uses the CPU's SHA instructions).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // RFC 4180 reading for --campaigns files.
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // The zip container of --xlsx workbooks.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // The --config file (TOML).
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CTallyZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Optional: found by its header at build time, opened with dlopen at run time (tally_isal.h).
        .target(
            name: "CIsal",
            cSettings: withoutISAL ? [.define("TALLY_WITHOUT_ISAL")] : []
        ),
        // The system's SQLite for the state store, opened with dlopen (tally_sqlite.h).
        .target(name: "CSQLite"),
        // Paths as the system's bytes, for every stage that names files.
        .target(name: "TallyPaths"),
        // The bytes the code names (ASCII.quote, ASCII.newline, ...), in one place.
        .target(name: "TallyBytes"),
        // Threads started with pthread_create, so that one that cannot start is known.
        .target(name: "TallyThreads"),
        .target(
            name: "TallyReader", dependencies: ["CTallyZlib", "CIsal", "CTallyKernels", "TallyPaths", "TallyThreads"]),
        // What Swift cannot express: AVX2 and carry-less multiply chosen at run time, a prefetch
        // (see tally_kernels.h).
        // DWARF 4, which valgrind 3.19 (Debian 12's, used to count instructions) can read.
        .target(name: "CTallyKernels", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        // Time zones as tables of offsets, built once from tzdata, read without Foundation:
        // the parser reads zone-less times in one, the aggregator counts days in another.
        .target(name: "TallyTime"),
        .target(name: "TallyParser", dependencies: ["CTallyKernels", "TallyBytes", "TallyTime"]),
        .target(name: "TallyAggregator", dependencies: ["CTallyKernels", "TallyBytes", "TallyTime"]),
        // The writer uses zlib too, to compress the rejected-lines file.
        .target(
            name: "TallyWriter",
            dependencies: [
                "TallyAggregator", "CTallyZlib", "TallyPaths", "TallyBytes", "TallyThreads",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        // What every run so far contributed, per input and day (the nightly state store).
        .target(name: "TallyStore", dependencies: ["CSQLite", "TallyPaths"]),
        .target(
            name: "TallyPipeline",
            dependencies: [
                "TallyReader", "TallyParser", "TallyAggregator", "TallyWriter", "TallyStore", "TallyPaths",
                "TallyBytes", "TallyTime", "TallyThreads", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyPipeline",
                "TallyPaths",
                "TallyThreads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets; not part of the product.
        .target(name: "TallyTestSupport", dependencies: ["TallyWriter"], path: "Tests/TallyTestSupport"),
        .testTarget(
            name: "TallyReaderTests",
            dependencies: ["TallyReader", "TallyPaths", "CTallyKernels", "CTallyZlib", "TallyTestSupport"]),
        .testTarget(
            name: "TallyParserTests", dependencies: ["TallyParser", "TallyTime", "CTallyKernels", "TallyTestSupport"]),
        .testTarget(name: "TallyAggregatorTests", dependencies: ["TallyAggregator", "TallyBytes", "TallyTestSupport"]),
        .testTarget(name: "TallyWriterTests", dependencies: ["TallyWriter", "TallyAggregator", "TallyTestSupport"]),
        .testTarget(
            name: "TallyPipelineTests",
            dependencies: [
                "TallyPipeline", "TallyReader", "TallyAggregator", "TallyStore", "TallyThreads", "TallyTestSupport",
            ]),
    ]
)

// Package-wide settings in one place.
for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // The hot tables are classes with array storage, touched only by the thread that owns them
    // (see Rollup and ByteInterner), so run-time exclusivity checks there only cost time
    // (docs/PERFORMANCE.md). Debug builds, and so the tests, keep the checks.
    settings.append(.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)))
    target.swiftSettings = settings
}
