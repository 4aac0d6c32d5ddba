// swift-tools-version: 6.2
import PackageDescription

/// Swift 6 language mode and strict concurrency everywhere; a warning in our own targets
/// fails the build (dependencies keep their own settings).
let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "token-infrastructure",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TokenKit", targets: ["TokenKit"]),
        .library(name: "AuthEvents", targets: ["AuthEvents"]),
        .executable(name: "tokenctl", targets: ["TokenCtl"]),
        .executable(name: "resource", targets: ["Resource"]),
        .executable(name: "jwks", targets: ["JWKS"]),
        .library(name: "Redis", targets: ["Redis"]),
        .executable(name: "redis-probe", targets: ["RedisProbe"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .executable(name: "kafka-probe", targets: ["KafkaProbe"]),
        .executable(name: "revocation-seed", targets: ["RevocationSeed"]),
        .executable(name: "issuer", targets: ["Issuer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        // Already resolved through hummingbird; named for ServiceKit's channel handler (NIOHTTPTypes).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.24.0"),
    ],
    targets: [
        // System OpenSSL (libssl-dev): RSA and P-256 signing run about 2x faster there than in
        // swift-crypto on this hardware; verification stays on swift-crypto (docs/ARCHITECTURE.md).
        .systemLibrary(
            name: "COpenSSL",
            path: "Shared/COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "TokenKit",
            dependencies: [
                "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Shared/TokenKit",
            swiftSettings: strict
        ),
        .target(
            name: "AuthEvents",
            dependencies: ["TokenKit"],
            path: "Shared/AuthEvents",
            swiftSettings: strict
        ),
        .target(
            name: "ServiceKit",
            dependencies: [
                "TokenKit",
                "AuthEvents",
                "Kafka",
                "Redis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "TokenCtl",
            dependencies: [
                "TokenKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/TokenCtl",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "Resource",
            dependencies: [
                "ServiceKit", "TokenKit", "AuthEvents", "Kafka", "Redis",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Resource",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "JWKS",
            dependencies: [
                "ServiceKit", "TokenKit", "AuthEvents", "Kafka",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/JWKS",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServiceKitTests",
            dependencies: [
                "ServiceKit", "TestSupport", "TokenKit", "AuthEvents", .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/ServiceKitTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ResourceTests",
            dependencies: [
                "TestSupport",
                "Resource", "ServiceKit", "TokenKit", "AuthEvents", "Kafka", "Redis",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ResourceTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "JWKSTests",
            dependencies: [
                "JWKS", "ServiceKit", "TokenKit", "AuthEvents",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Tests/JWKSTests",
            swiftSettings: strict
        ),
        // System hiredis (libhiredis-dev, 0.14.1): its blocking calls run on one event-loop thread
        // per connection so they never occupy Swift's cooperative pool (docs/REDIS.md). No
        // pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses with a
        // warning; the header lives in the default include path and the module map links it.
        .systemLibrary(
            name: "CHiredis",
            path: "Shared/CHiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Redis",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "RedisProbe",
            dependencies: ["Redis"],
            path: "Tools/RedisProbe",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RedisTests",
            dependencies: [
                "Redis",
                "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/RedisTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "AuthEventsTests",
            dependencies: ["AuthEvents"],
            path: "Tests/AuthEventsTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TokenCtlTests",
            dependencies: ["TokenCtl", "TestSupport"],
            path: "Tests/TokenCtlTests",
            swiftSettings: strict
        ),
        // librdkafka >= 2.2.0 (the dev broker needs it): infra/dev/bootstrap builds 2.8.0 as a
        // static library and puts its rdkafka.pc first on PKG_CONFIG_PATH (docs/KAFKA.md).
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka"
        ),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Kafka",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "KafkaProbe",
            dependencies: [
                "Kafka",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/KafkaProbe",
            swiftSettings: strict
        ),
        // Writes many revocations as the issuer does, for the memory and load tests
        // (infra/loadtest/memory, docs/BENCHMARKS.md).
        .executableTarget(
            name: "RevocationSeed",
            dependencies: [
                "Redis", "Kafka", "AuthEvents", "TokenKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/RevocationSeed",
            swiftSettings: strict
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: [
                "TestSupport",
                "Kafka",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/KafkaTests",
            swiftSettings: strict
        ),
        // Helpers shared by the test targets that start scripts and servers.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport"],
            path: "Tests/EndToEndTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "TokenKitTests",
            dependencies: ["TokenKit"],
            path: "Tests/TokenKitTests",
            swiftSettings: strict
        ),
        // The issuer: login, refresh sessions, signing keys and revocations (docs/ISSUER.md).
        .executableTarget(
            name: "Issuer",
            dependencies: [
                "TokenKit",
                "AuthEvents",
                "ServiceKit",
                "Redis",
                "Kafka",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/Issuer",
            swiftSettings: strict
        ),
        .testTarget(
            name: "IssuerTests",
            dependencies: [
                "TestSupport",
                "Issuer",
                "Kafka",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/IssuerTests",
            swiftSettings: strict
        ),
    ]
)
