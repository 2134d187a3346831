// swift-tools-version: 6.1
import PackageDescription

// Data flows one way, down this list: Reader -> Parser -> Aggregator -> Writer, wired by
// Pipeline, driven by the `tally` command. No stage imports a stage below it.
let package = Package(
    name: "tally",
    products: [
        .executable(name: "tally", targets: ["tally"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // For gzip's CRC-32 only: zlib inflates, libdeflate checks (see GzipDecoder).
        .systemLibrary(
            name: "CLibdeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .target(name: "TallyReader", dependencies: ["CZlib", "CLibdeflate"]),
        // What Swift cannot express: AVX2 chosen at run time, a prefetch (see tally_kernels.h).
        // DWARF 4, which valgrind 3.19 (Debian 12's, used to count instructions) can read.
        .target(name: "CTallyKernels", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        .target(name: "TallyParser", dependencies: ["CTallyKernels"]),
        .target(name: "TallyAggregator", dependencies: ["CTallyKernels"]),
        // The writer uses zlib too, to compress the rejected-lines file.
        .target(name: "TallyWriter", dependencies: ["TallyAggregator", "CZlib"]),
        .target(
            name: "TallyPipeline",
            dependencies: ["TallyReader", "TallyParser", "TallyAggregator", "TallyWriter"]
        ),
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyPipeline",
                "TallyAggregator",
                "TallyWriter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets; not part of the product.
        .target(name: "TallyTestSupport", path: "Tests/TallyTestSupport"),
        .testTarget(name: "TallyReaderTests", dependencies: ["TallyReader", "TallyTestSupport"]),
        .testTarget(name: "TallyParserTests", dependencies: ["TallyParser", "TallyTestSupport"]),
        .testTarget(name: "TallyAggregatorTests", dependencies: ["TallyAggregator", "TallyTestSupport"]),
        .testTarget(name: "TallyWriterTests", dependencies: ["TallyWriter", "TallyAggregator", "TallyTestSupport"]),
        .testTarget(
            name: "TallyPipelineTests", dependencies: ["TallyPipeline", "TallyAggregator", "TallyTestSupport"]),
    ]
)

// Package-wide settings in one place.
for target in package.targets where target.type != .system && target.name != "CTallyKernels" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // The hot tables are classes with array storage, touched only by the thread that owns them
    // (see Rollup and ByteInterner); run-time exclusivity checks cost about 8% of a run there.
    // Debug builds, and so the tests, keep the checks.
    settings.append(.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)))
    target.swiftSettings = settings
}
