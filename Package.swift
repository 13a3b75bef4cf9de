// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "lectern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lectern", targets: ["lectern"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/GraphQLSwift/Graphiti.git", from: "3.1.0"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", from: "4.3.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .systemLibrary(
            name: "CArgon2",
            pkgConfig: "libargon2",
            providers: [.apt(["libargon2-dev"])]
        ),
        .target(
            name: "LecternCore",
            dependencies: [
                "CCmarkGFM",
                "CArgon2",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/common-passwords.txt")]
        ),
        // Persistence: the store protocols, and their SQLite (GRDB) and PostgreSQL (postgres-nio) implementations.
        .target(
            name: "LecternStore",
            dependencies: [
                "LecternCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // For `ConnectionPoolError`: the pool's "cannot reach the server" is a 503, not a 500.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // The PostgreSQL pool's use, for /metrics (the executable sends swift-metrics to Prometheus).
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
        ),
        // The domain operations every adapter calls (pages, REST, GraphQL, CLI): DESIGN.md's service layer.
        .target(
            name: "LecternServices",
            dependencies: ["LecternCore", "LecternStore", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "LecternWeb",
            dependencies: [
                "LecternCore",
                "LecternStore",
                "LecternServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Graphiti", package: "Graphiti"),
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            resources: [.copy("Templates"), .copy("Contract")]
        ),
        .target(
            name: "LecternCLI",
            dependencies: [
                "LecternCore",
                "LecternStore",
                "LecternServices",
                "LecternWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "lectern", dependencies: ["LecternCLI"]),
        // Writes the benchmark's posts and accounts; run by Benchmarks/run, not shipped.
        .executableTarget(name: "BenchmarkSeed", dependencies: ["LecternCore", "LecternStore"], path: "Benchmarks/Seed"),
        .testTarget(name: "LecternCoreTests", dependencies: ["LecternCore"]),
        .target(
            name: "LecternTestSupport",
            dependencies: [
                "LecternCore", "LecternStore", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/LecternTestSupport"
        ),
        .testTarget(
            name: "LecternStoreTests",
            dependencies: ["LecternStore", "LecternCore", "LecternTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "LecternWebTests",
            dependencies: [
                "LecternWeb",
                "LecternServices",
                "LecternStore",
                "LecternCore",
                "LecternTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "GraphQL", package: "GraphQL"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LecternCLITests",
            dependencies: ["LecternCLI", "LecternStore", "LecternCore", "LecternTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["LecternCore", "LecternTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
