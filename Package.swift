// swift-tools-version: 6.2
import PackageDescription

let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Inlet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "inlet", targets: ["inlet"]),
        .library(name: "InletJSON", targets: ["InletJSON"]),
        .library(name: "InletProtocol", targets: ["InletProtocol"]),
        .library(name: "InletJSONSchema", targets: ["InletJSONSchema"]),
        .library(name: "InletInterpolation", targets: ["InletInterpolation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // JSON & protocol: the bottom of the stack. Nothing here knows about connectors' kinds.
        .target(name: "InletJSON", swiftSettings: upcomingFeatures),
        .target(name: "InletProtocol", dependencies: ["InletJSON"], swiftSettings: upcomingFeatures),
        .target(name: "InletJSONSchema", dependencies: ["InletJSON"], swiftSettings: upcomingFeatures),

        // Interpolation: the Jinja language as the Airbyte CDK evaluates it, with Python's value semantics.
        .target(
            name: "InletInterpolation",
            dependencies: ["InletJSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcomingFeatures
        ),

        // The command line: talks to the `Connector` protocol only.
        .target(
            name: "InletCLI",
            dependencies: [
                "InletJSON", "InletProtocol", "InletJSONSchema",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(name: "inlet", dependencies: ["InletCLI"], swiftSettings: upcomingFeatures),

        // Benchmarks are executables, never tests: they print rates and ratios and never fail on timing.
        .executableTarget(
            name: "JSONBenchmark",
            dependencies: ["InletJSON"],
            path: "Benchmarks/JSONBenchmark",
            swiftSettings: upcomingFeatures
        ),

        .testTarget(name: "InletJSONTests", dependencies: ["InletJSON"], swiftSettings: upcomingFeatures),
        .testTarget(name: "InletProtocolTests", dependencies: ["InletProtocol", "InletJSON"], swiftSettings: upcomingFeatures),
        .testTarget(name: "InletJSONSchemaTests", dependencies: ["InletJSONSchema", "InletJSON"], swiftSettings: upcomingFeatures),
        .testTarget(
            name: "InletInterpolationTests",
            dependencies: ["InletInterpolation", "InletJSON"],
            exclude: ["Reference/generate_interpolation_cases.py"],
            resources: [.copy("Reference/interpolation_cases.json")],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "InletCLITests",
            dependencies: ["InletCLI", "InletProtocol", "InletJSON"],
            swiftSettings: upcomingFeatures
        ),
    ],
    swiftLanguageModes: [.v6]
)
