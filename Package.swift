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
        .library(name: "Redis", targets: ["Redis"]),
        .library(name: "Kafka", targets: ["Kafka"]),
        .executable(name: "issuer", targets: ["Issuer"]),
        .executable(name: "jwks", targets: ["JWKS"]),
        .executable(name: "resource", targets: ["Resource"]),
        .executable(name: "tokenctl", targets: ["TokenCtl"]),
        .executable(name: "redis-probe", targets: ["RedisProbe"]),
        .executable(name: "kafka-probe", targets: ["KafkaProbe"]),
        .executable(name: "revocation-seed", targets: ["RevocationSeed"]),
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
        // MARK: Libraries, from the bottom up (docs/ARCHITECTURE.md "Modules").

        // System OpenSSL (libssl-dev): RSA and P-256 signing run about 2x faster there than in
        // swift-crypto; verification stays on swift-crypto (docs/ARCHITECTURE.md).
        .systemLibrary(name: "COpenSSL", path: "Shared/COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // hiredis >= 1.0 with hiredis_ssl, static, from infra/dev/bootstrap: its own pkg-config
        // name, so Debian's hiredis.pc (0.14, no TLS, and a -D_FILE_OFFSET_BITS=64 that SwiftPM
        // refuses) is never used. Its blocking calls run on one event-loop thread per connection
        // so they never occupy Swift's cooperative pool (docs/REDIS.md).
        .systemLibrary(name: "CHiredis", path: "Shared/CHiredis", pkgConfig: "hiredis-static"),
        // librdkafka >= 2.2.0 (the dev broker needs it): infra/dev/bootstrap builds 2.8.0 as a
        // static library and puts its rdkafka.pc first on PKG_CONFIG_PATH (docs/KAFKA.md).
        .systemLibrary(name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka"),
        // The one shape of an error with a stable code, shared by every module.
        .target(name: "ErrorCodes", path: "Shared/ErrorCodes", swiftSettings: strict),
        // Tokens: JOSE, keys, signing and the verifier.
        .target(
            name: "TokenKit",
            dependencies: [
                "COpenSSL",
                "ErrorCodes",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Shared/TokenKit",
            swiftSettings: strict
        ),
        // What every event on the auth topics shares: reading its members, refusal reasons.
        .target(
            name: "AuthEvents",
            dependencies: [
                "ErrorCodes", "TokenKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/AuthEvents",
            swiftSettings: strict
        ),
        // The store and the bus, wrapped.
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis",
                "ErrorCodes",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Redis",
            swiftSettings: strict
        ),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                "ErrorCodes",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Kafka",
            swiftSettings: strict
        ),
        // HTTP and service plumbing: settings (Kafka's and Redis's transport settings too),
        // server bootstrap, logging, errors, readiness.
        .target(
            name: "ServiceKit",
            dependencies: [
                "Kafka", "Redis", "TokenKit",
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
        // Everything a revocation is: its event, its Redis keys, the in-memory set, the snapshot
        // load and the feed.
        .target(
            name: "Revocation",
            dependencies: [
                "AuthEvents", "Kafka", "Redis", "ServiceKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Revocation",
            swiftSettings: strict
        ),
        // The verifier's side of the signing keys: the key event, the catalog, its feed and the
        // JWKS fallback.
        .target(
            name: "KeyDistribution",
            dependencies: [
                "AuthEvents", "Kafka", "ServiceKit", "TokenKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/KeyDistribution",
            swiftSettings: strict
        ),
        // Bearer-token routes: the middleware, the verified request context, role checks.
        .target(
            name: "BearerAuth",
            dependencies: [
                "Revocation", "ServiceKit", "TokenKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/BearerAuth",
            swiftSettings: strict
        ),

        // MARK: Services.

        // Login, refresh sessions, signing keys and revocations (docs/ISSUER.md).
        .executableTarget(
            name: "Issuer",
            dependencies: [
                "AuthEvents", "BearerAuth", "KeyDistribution", "Kafka", "Redis", "Revocation", "ServiceKit", "TokenKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
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
            ],
            path: "Services/Issuer",
            swiftSettings: strict
        ),
        // The public keys, as learnt from the key events (docs/JWKS.md).
        .executableTarget(
            name: "JWKS",
            dependencies: [
                "AuthEvents", "KeyDistribution", "Kafka", "ServiceKit", "TokenKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Services/JWKS",
            swiftSettings: strict
        ),
        // The sample protected API (docs/RESOURCE.md).
        .executableTarget(
            name: "Resource",
            dependencies: [
                "AuthEvents", "BearerAuth", "KeyDistribution", "Kafka", "Redis", "Revocation", "ServiceKit", "TokenKit",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Services/Resource",
            swiftSettings: strict
        ),

        // MARK: Tools.

        .executableTarget(
            name: "TokenCtl",
            dependencies: ["AuthEvents", "TokenKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/TokenCtl",
            swiftSettings: strict
        ),
        .executableTarget(name: "RedisProbe", dependencies: ["Redis"], path: "Tools/RedisProbe", swiftSettings: strict),
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
                "AuthEvents", "Kafka", "KeyDistribution", "Redis", "Revocation", "TokenKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/RevocationSeed",
            swiftSettings: strict
        ),

        // MARK: Tests: one target per module, sharing TestSupport.

        // The test environment, waiting, free ports, private Redis and broker, fixtures.
        .target(
            name: "TestSupport",
            dependencies: [
                "AuthEvents", "Kafka", "KeyDistribution", "Redis", "Revocation", "TokenKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "TokenKitTests", dependencies: ["TokenKit"], path: "Tests/TokenKitTests", swiftSettings: strict),
        .testTarget(
            name: "AuthEventsTests", dependencies: ["AuthEvents", "TokenKit"], path: "Tests/AuthEventsTests", swiftSettings: strict),
        .testTarget(
            name: "RedisTests",
            dependencies: [
                "Redis", "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/RedisTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "KafkaTests",
            dependencies: ["Kafka", "TestSupport", .product(name: "Logging", package: "swift-log")],
            path: "Tests/KafkaTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServiceKitTests",
            dependencies: [
                "Kafka", "Redis", "ServiceKit", "TestSupport", "TokenKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Tests/ServiceKitTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "RevocationTests",
            dependencies: [
                "AuthEvents", "Kafka", "Redis", "Revocation", "ServiceKit", "TestSupport", "TokenKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/RevocationTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "KeyDistributionTests",
            dependencies: [
                "AuthEvents", "Kafka", "KeyDistribution", "ServiceKit", "TestSupport", "TokenKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/KeyDistributionTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "BearerAuthTests",
            dependencies: ["BearerAuth", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/BearerAuthTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "IssuerTests",
            dependencies: [
                "Issuer", "Kafka", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/IssuerTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "JWKSTests",
            dependencies: [
                "JWKS", "KeyDistribution", "ServiceKit", "TestSupport", "TokenKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Tests/JWKSTests",
            swiftSettings: strict
        ),
        .testTarget(
            name: "ResourceTests",
            dependencies: [
                "BearerAuth", "Kafka", "KeyDistribution", "Redis", "Resource", "Revocation", "ServiceKit", "TestSupport", "TokenKit",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ResourceTests",
            swiftSettings: strict
        ),
        .testTarget(name: "TokenCtlTests", dependencies: ["TokenCtl", "TestSupport"], path: "Tests/TokenCtlTests", swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "AuthEvents", "Kafka", "KeyDistribution", "TestSupport", "TokenKit", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/EndToEndTests",
            swiftSettings: strict
        ),
    ]
)
