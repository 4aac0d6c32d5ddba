// swift-tools-version: 6.2
import PackageDescription

/// libFuzzer targets for every parser that reads an attacker's bytes (docs/FUZZING.md).
///
/// A package of its own so that the normal `swift build` and `swift test` of the root package
/// never see it. It is built only by `Fuzz/run` (or `make fuzz`), which passes
/// `-sanitize=fuzzer,address`, `-enable-testing` (the compact JWS parts and the JSON scanner
/// are internal to TokenKit) and `-use-ld=lld` (gold crashes on these links). Each target's
/// `main` hands its test function to libFuzzer's driver (Sources/CFuzzer): SwiftPM links an
/// executable's `main` to the target's own entry point, so libFuzzer's `main` cannot be used.
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

/// One libFuzzer executable over the support library and the given modules.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name, dependencies: ["FuzzSupport"] + dependencies, path: "Sources/\(name)", swiftSettings: strict)
}

let package = Package(
    name: "token-infrastructure-fuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fuzz-jws", targets: ["FuzzJWS"]),
        .executable(name: "fuzz-verify", targets: ["FuzzVerify"]),
        .executable(name: "fuzz-json", targets: ["FuzzJSON"]),
        .executable(name: "fuzz-jwk", targets: ["FuzzJWK"]),
        .executable(name: "fuzz-events", targets: ["FuzzEvents"]),
        .executable(name: "fuzz-issuer-request", targets: ["FuzzIssuerRequest"]),
    ],
    dependencies: [
        // A symlink to the root package: a path dependency is known by its folder name, which
        // differs between clones; the link gives it one name everywhere.
        .package(path: "token-infrastructure"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // Declares libFuzzer's driver, which each target's `main` calls.
        .target(name: "CFuzzer", path: "Sources/CFuzzer"),
        .target(
            name: "FuzzSupport",
            dependencies: ["CFuzzer", .product(name: "TokenKit", package: "token-infrastructure")],
            path: "Sources/FuzzSupport", swiftSettings: strict),
        fuzzTarget("FuzzJWS", [.product(name: "TokenKit", package: "token-infrastructure")]),
        fuzzTarget("FuzzVerify", [.product(name: "TokenKit", package: "token-infrastructure")]),
        fuzzTarget("FuzzJSON", [.product(name: "TokenKit", package: "token-infrastructure")]),
        fuzzTarget("FuzzJWK", [.product(name: "TokenKit", package: "token-infrastructure")]),
        // The event codecs and the revocation fast path are compiled in through links, as the
        // issuer's readers are: their modules also hold the Kafka and Redis feeds.
        fuzzTarget(
            "FuzzEvents",
            [
                .product(name: "TokenKit", package: "token-infrastructure"),
                .product(name: "AuthEvents", package: "token-infrastructure"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The issuer's request readers live in its executable target, which cannot be linked;
        // the pure files are compiled in here through symlinks (docs/FUZZING.md).
        fuzzTarget(
            "FuzzIssuerRequest",
            [
                .product(name: "TokenKit", package: "token-infrastructure"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
