// swift-tools-version: 6.3
// 6.3 because package-benchmark 1.38.1's manifest needs it.
import PackageDescription

/// SwiftPM names a path dependency after its folder, and the root checkout's folder differs
/// between clones and worktrees, so the identity of `..` is computed, not written down.
let rootPackage = Context.packageDirectory.split(separator: "/").dropLast().last.map { $0.lowercased() } ?? ""

/// A package of its own so that the root `swift test` never builds package-benchmark.
/// Run with `make bench` (infra/bench/run), or here: `swift package benchmark`.
let package = Package(
    name: "TokenBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        // Only this trait: the default "RuntimeInterposer" needs a package our mirror lacks.
        .package(
            url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1",
            traits: ["MallocInterposer"]
        ),
    ],
    targets: [
        .executableTarget(
            name: "TokenBenchmarks",
            dependencies: [
                .product(name: "TokenKit", package: rootPackage),
                .product(name: "AuthEvents", package: rootPackage),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/TokenBenchmarks",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        // A plain loop over one operation, for profilers: valgrind counts instructions, which
        // the other builds on these shared cores cannot disturb (docs/BENCHMARKS.md).
        .executableTarget(
            name: "TokenProfile",
            dependencies: [.product(name: "TokenKit", package: rootPackage)],
            path: "TokenProfile",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
