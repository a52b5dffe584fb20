// swift-tools-version:6.1
//
// Shoal: a libp2p-compatible peer-to-peer overlay library in Swift.
// The module layout follows ARCHITECTURE.md: one target per layer, dependencies pointing one way.

import PackageDescription

let nio: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let protobuf: Target.Dependency = .product(name: "SwiftProtobuf", package: "swift-protobuf")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "Shoal",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ShoalCrypto", targets: ["ShoalCrypto"]),
        .library(name: "ShoalCore", targets: ["ShoalCore"]),
        .library(name: "ShoalSWIM", targets: ["ShoalSWIM"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
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
        .target(name: "ShoalCore", dependencies: ["ShoalCrypto", protobuf]),

        // MARK: - Membership (SWIM + Lifeguard)
        .target(name: "ShoalSWIM", dependencies: ["ShoalCore", "ShoalCrypto"]),

        // MARK: - Test kit and simulation (not products)
        .target(name: "ShoalTestKit", dependencies: ["ShoalCore"]),
        .target(name: "ShoalSWIMSim", dependencies: ["ShoalSWIM", "ShoalTestKit", "ShoalCrypto"]),
        .executableTarget(name: "swim-sim", dependencies: ["ShoalSWIMSim", "ShoalSWIM"]),

        // MARK: - Tests
        .testTarget(name: "ShoalCryptoTests", dependencies: ["ShoalCrypto"]),
        .testTarget(
            name: "ShoalSWIMTests",
            dependencies: ["ShoalSWIM", "ShoalSWIMSim", "ShoalTestKit", "ShoalCore", "ShoalCrypto"]
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
