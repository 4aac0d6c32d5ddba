// swift-tools-version: 6.2
import PackageDescription

/// The load test's peers (infra/loadtest/run --peers): what a Swift team would write in an
/// afternoon with the ecosystem's defaults, measured beside the resource service. A benchmark
/// fixture, not product code: it is kept out of the root package and its Package.resolved out
/// of git (the versions are pinned here instead).
let package = Package(
    name: "loadtest-peers",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", exact: "5.7.1"),
    ],
    targets: [
        .executableTarget(
            name: "Peer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            path: "Sources/Peer",
            swiftSettings: [.swiftLanguageMode(.v6), .treatAllWarnings(as: .error)]
        )
    ]
)
