// swift-tools-version:6.1
//
// Shoal: a libp2p-compatible peer-to-peer overlay library in Swift.
// The module layout follows ARCHITECTURE.md: one target per layer, dependencies pointing one way.

import PackageDescription

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let protobuf: Target.Dependency = .product(name: "SwiftProtobuf", package: "swift-protobuf")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let tomlKit: Target.Dependency = .product(name: "TOMLKit", package: "TOMLKit")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Shoal",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ShoalCrypto", targets: ["ShoalCrypto"]),
        .library(name: "ShoalMultiformats", targets: ["ShoalMultiformats"]),
        .library(name: "ShoalCore", targets: ["ShoalCore"]),
        .library(name: "ShoalWire", targets: ["ShoalWire"]),
        .library(name: "ShoalSecurity", targets: ["ShoalSecurity"]),
        .library(name: "ShoalTransport", targets: ["ShoalTransport"]),
        .library(name: "ShoalHost", targets: ["ShoalHost"]),
        .library(name: "ShoalKademlia", targets: ["ShoalKademlia"]),
        .library(name: "ShoalParquet", targets: ["ShoalParquet"]),
        .library(name: "ShoalDatasets", targets: ["ShoalDatasets"]),
        .library(name: "ShoalQuery", targets: ["ShoalQuery"]),
        .library(name: "ShoalVector", targets: ["ShoalVector"]),
        .library(name: "ShoalGraph", targets: ["ShoalGraph"]),
        .library(name: "ShoalResilience", targets: ["ShoalResilience"]),
        .library(name: "ShoalHealth", targets: ["ShoalHealth"]),
        .library(name: "Shoal", targets: ["Shoal"]),
        .library(name: "ShoalSWIM", targets: ["ShoalSWIM"]),
        .library(name: "ShoalMembership", targets: ["ShoalMembership"]),
        .library(name: "ShoalMDNS", targets: ["ShoalMDNS"]),
        .executable(name: "shoal", targets: ["shoal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // MARK: - Crypto (libsodium)
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        .target(name: "ShoalCrypto", dependencies: ["CSodium"]),

        // MARK: - Encodings and identity
        .target(name: "ShoalMultiformats"),
        .target(name: "ShoalCore", dependencies: ["ShoalCrypto", "ShoalMultiformats", protobuf]),

        // MARK: - Wire protocols (pure state machines, no NIO)
        .target(name: "ShoalWire", dependencies: ["ShoalCore"]),
        .target(name: "ShoalSecurity", dependencies: ["ShoalCore", "ShoalCrypto", protobuf]),

        // MARK: - The NIO shell
        .target(
            name: "ShoalTransport",
            dependencies: ["ShoalWire", "ShoalSecurity", "ShoalCore", "ShoalMultiformats", nioCore, nioPosix, logging]
        ),

        .target(
            name: "ShoalHost",
            dependencies: [
                "ShoalTransport", "ShoalWire", "ShoalSecurity", "ShoalCore", "ShoalCrypto", "ShoalMultiformats",
                nioCore, logging, protobuf, serviceLifecycle,
            ]
        ),

        // MARK: - Discovery
        .target(
            name: "ShoalKademlia",
            dependencies: [
                "ShoalHost", "ShoalTransport", "ShoalCore", "ShoalCrypto", "ShoalMultiformats", protobuf, logging,
                serviceLifecycle,
            ]
        ),
        .target(
            name: "ShoalMDNS",
            dependencies: ["ShoalHost", "ShoalCore", "ShoalMultiformats", nioCore, nioPosix, logging, serviceLifecycle]
        ),

        // MARK: - Membership (SWIM + Lifeguard)
        .target(name: "ShoalSWIM", dependencies: ["ShoalCore", "ShoalCrypto"]),
        .target(
            name: "ShoalMembership",
            dependencies: [
                "ShoalSWIM", "ShoalHost", "ShoalTransport", "ShoalCore", "ShoalCrypto", "ShoalMultiformats", nioCore,
                nioPosix, logging, serviceLifecycle,
            ]
        ),

        // MARK: - Simulation (not a product): the deterministic discrete-event simulator and SWIM scenarios
        .target(
            name: "ShoalTestKit",
            dependencies: ["ShoalCore"],
            // The simulator is generic over the message type: let clients specialize it (a 2x faster event loop).
            swiftSettings: [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
        ),
        .target(name: "ShoalSWIMSim", dependencies: ["ShoalSWIM", "ShoalTestKit", "ShoalCrypto"]),
        .executableTarget(name: "swim-sim", dependencies: ["ShoalSWIMSim", "ShoalSWIM", "ShoalTestKit"]),
        .target(name: "ShoalKadSim", dependencies: ["ShoalKademlia", "ShoalTestKit"]),
        .executableTarget(name: "kad-sim", dependencies: ["ShoalKadSim", "ShoalKademlia", "ShoalTestKit"]),

        // MARK: - Datasets: Parquet (zlib, zstd)
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),
        .target(name: "ShoalParquet", dependencies: ["ShoalCore", "CZlib", "CZstd"]),
        .target(
            name: "ShoalDatasets",
            dependencies: ["ShoalParquet", "ShoalCore", "ShoalCrypto", "ShoalMultiformats"]
        ),

        // MARK: - Query engines: federated SQL over shards (system SQLite through GRDB)
        .target(
            name: "ShoalQuery",
            dependencies: [
                "ShoalDatasets", "ShoalParquet", "ShoalCore", "ShoalMultiformats",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // MARK: - Query engines: vector search and graph expansion
        // A header-only C shim: the cache prefetch hint of the HNSW walk (Swift has no prefetch intrinsic).
        .systemLibrary(name: "CShoalPrefetch"),
        .target(
            name: "ShoalVector",
            dependencies: ["ShoalDatasets", "ShoalParquet", "ShoalCore", "ShoalMultiformats", "CShoalPrefetch"]
        ),
        .target(name: "ShoalGraph", dependencies: ["ShoalDatasets", "ShoalVector", "ShoalParquet", "ShoalCore"]),

        // MARK: - Resilience, health, configuration, the Node facade
        .target(name: "ShoalResilience", dependencies: ["ShoalCore"]),
        .target(name: "ShoalHealth", dependencies: ["ShoalHost", "ShoalCore", metrics, serviceLifecycle, logging]),
        .target(
            name: "Shoal",
            dependencies: [
                "ShoalCore", "ShoalMultiformats", "ShoalResilience", "ShoalHost", "ShoalTransport", "ShoalSecurity",
                "ShoalKademlia", "ShoalMDNS", "ShoalHealth", "ShoalMembership", "ShoalSWIM", tomlKit, logging,
                serviceLifecycle,
            ]
        ),

        // MARK: - Command line
        .executableTarget(
            name: "shoal",
            dependencies: [
                "ShoalHost", "ShoalTransport", "ShoalSecurity", "ShoalCore", "ShoalCrypto", "ShoalMultiformats",
                "ShoalMDNS", "ShoalKademlia", "ShoalDatasets", "ShoalParquet", "ShoalQuery", "Shoal", "ShoalMembership",
                "ShoalSWIM", "ShoalVector", "ShoalGraph",
                argumentParser, logging, nioCore, nioPosix,
            ]
        ),

        // MARK: - Examples (built by `make test`)
        .executableTarget(
            name: "CustomProtocol",
            dependencies: ["ShoalHost", "ShoalMultiformats"],
            path: "Examples/CustomProtocol"
        ),
        .executableTarget(
            name: "NodeExample",
            dependencies: ["Shoal", "ShoalCore", "ShoalHealth", "ShoalKademlia", "ShoalMultiformats"],
            path: "Examples/NodeExample"
        ),

        // MARK: - Tests
        .testTarget(name: "ShoalCryptoTests", dependencies: ["ShoalCrypto", "ShoalMultiformats"]),
        .testTarget(name: "ShoalMultiformatsTests", dependencies: ["ShoalMultiformats"]),
        .testTarget(name: "ShoalCoreTests", dependencies: ["ShoalCore", "ShoalCrypto", "ShoalMultiformats"]),
        .testTarget(name: "ShoalWireTests", dependencies: ["ShoalWire", "ShoalCore"]),
        .testTarget(name: "ShoalSecurityTests", dependencies: ["ShoalSecurity", "ShoalCore", "ShoalCrypto"]),
        .testTarget(name: "ShoalKademliaTests", dependencies: ["ShoalKademlia", "ShoalCore", "ShoalCrypto"]),
        .testTarget(name: "ShoalKadSimTests", dependencies: ["ShoalKadSim", "ShoalKademlia", "ShoalTestKit"]),
        .testTarget(
            name: "ShoalDHTTests",
            dependencies: [
                "ShoalKademlia", "ShoalHost", "ShoalTransport", "ShoalCore", "ShoalCrypto", "ShoalMultiformats",
            ]
        ),
        .testTarget(name: "ShoalParquetTests", dependencies: ["ShoalParquet", "ShoalCore"]),
        .testTarget(name: "ShoalResilienceTests", dependencies: ["ShoalResilience", "ShoalCore"]),
        .testTarget(
            name: "ShoalHealthTests",
            dependencies: [
                "ShoalHealth", "ShoalHost", "ShoalTransport", "ShoalCore", "ShoalMultiformats",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "ShoalTests",
            dependencies: [
                "Shoal", "ShoalCore", "ShoalMultiformats", "ShoalResilience", "ShoalHost", "ShoalTransport",
                "ShoalKademlia", "ShoalHealth", serviceLifecycle, logging,
            ]
        ),
        .testTarget(
            name: "ShoalDatasetsTests",
            dependencies: ["ShoalDatasets", "ShoalParquet", "ShoalCore", "ShoalMultiformats"]
        ),
        .testTarget(
            name: "ShoalQueryTests",
            dependencies: [
                "ShoalQuery", "ShoalDatasets", "ShoalParquet", "ShoalCore", "ShoalMultiformats",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "ShoalMDNSTests",
            dependencies: ["ShoalMDNS", "ShoalCore", "ShoalMultiformats"]
        ),
        .testTarget(
            name: "ShoalMembershipTests",
            dependencies: [
                "ShoalMembership", "ShoalSWIM", "ShoalHost", "ShoalCore", "ShoalCrypto", "ShoalMultiformats",
                serviceLifecycle, logging,
            ]
        ),
        .testTarget(
            name: "ShoalSWIMTests",
            dependencies: ["ShoalSWIM", "ShoalSWIMSim", "ShoalTestKit", "ShoalCore", "ShoalCrypto"]
        ),
        // Test-only driver for scripts/parquet-crosscheck.sh (pyarrow/fastparquet) and the throughput benchmark.
        .executableTarget(
            name: "ShoalParquetCrossCheck",
            dependencies: ["ShoalParquet", "ShoalDatasets", "ShoalCore", "ShoalMultiformats"],
            path: "Tests/ShoalParquetCrossCheck"
        ),
        // Test-only driver for scripts/vector-crosscheck.sh (numpy, hnswlib, networkx) and the HNSW benchmark.
        .executableTarget(
            name: "ShoalVectorCrossCheck",
            dependencies: ["ShoalVector", "ShoalGraph", "ShoalCore"],
            path: "Tests/ShoalVectorCrossCheck"
        ),
        .testTarget(
            name: "ShoalVectorTests",
            dependencies: ["ShoalVector", "ShoalDatasets", "ShoalParquet", "ShoalCore"]
        ),
        .testTarget(
            name: "ShoalGraphTests",
            dependencies: ["ShoalGraph", "ShoalVector", "ShoalDatasets", "ShoalCore"]
        ),
        .testTarget(
            name: "ShoalHostTests",
            dependencies: [
                "ShoalHost", "ShoalTransport", "ShoalSecurity", "ShoalCore", "ShoalCrypto", "ShoalMultiformats",
                "ShoalWire",
            ]
        ),
    ]
)

// MARK: - STANDARD SETTINGS: strict concurrency and import hygiene for every target.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
