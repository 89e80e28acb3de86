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
        .library(name: "InletDeclarative", targets: ["InletDeclarative"]),
        .library(name: "InletParquet", targets: ["InletParquet"]),
        .library(name: "InletAvro", targets: ["InletAvro"]),
        .library(name: "InletIceberg", targets: ["InletIceberg"]),
        .library(name: "InletS3", targets: ["InletS3"]),
        .library(name: "InletPostgres", targets: ["InletPostgres"]),
        .library(name: "InletPipeline", targets: ["InletPipeline"]),
        .library(name: "InletIcebergDestination", targets: ["InletIcebergDestination"]),
        .library(name: "InletFiles", targets: ["InletFiles"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // 5.x, not 6.x: Yams 6 rejects repeated mapping keys, which PyYAML (the CDK's loader) accepts.
        .package(url: "https://github.com/jpsim/Yams", exact: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
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

        // HTTP: one pooled client, and URL building as Python's requests does it.
        .target(
            name: "InletHTTP",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ],
            swiftSettings: upcomingFeatures
        ),

        // Object storage: SigV4-signed S3 requests, multipart uploads, retries.
        .target(
            name: "InletS3",
            dependencies: ["InletHTTP", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcomingFeatures
        ),

        // The declarative engine: Airbyte low-code manifests, loaded, typed and run natively.
        .target(
            name: "InletDeclarative",
            dependencies: [
                "InletJSON", "InletProtocol", "InletInterpolation", "InletJSONSchema", "InletHTTP", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: upcomingFeatures
        ),

        // The command line: talks to the `Connector` protocol only.
        .target(
            name: "InletCLI",
            dependencies: [
                "InletJSON", "InletProtocol", "InletJSONSchema", "InletDeclarative", "InletPipeline", "InletIceberg",
                "InletIcebergDestination", "InletPostgres", "InletProcessHost", "InletS3", "InletSetup", "InletService", "InletServiceHTTP", "InletHTTP",
                "InletFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Lakehouse formats: Parquet data files (Iceberg tables build on them), through the system's codecs.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .target(name: "InletParquet", dependencies: ["CZstd", "CZlib", "CSnappy"], swiftSettings: upcomingFeatures),
        .target(name: "InletZlib", dependencies: ["CZlib"], swiftSettings: upcomingFeatures),
        .target(name: "InletAvro", dependencies: ["InletJSON", "InletZlib"], swiftSettings: upcomingFeatures),
        .target(
            name: "InletIceberg",
            dependencies: ["InletJSON", "InletAvro", "InletParquet", "InletS3", "InletHTTP", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcomingFeatures
        ),

        // PostgreSQL for what many machines share: the Iceberg SQL catalog and sync checkpoints.
        .target(
            name: "InletPostgres",
            dependencies: [
                "InletIceberg", "InletPipeline", "InletJSON", "InletProtocol",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),

        // Files as tables: csv, spreadsheets, json, parquet and avro read in bounded memory, their
        // columns typed by inference, as a connector of its own.
        .target(
            name: "InletFiles",
            dependencies: ["InletJSON", "InletProtocol", "InletInterpolation", "InletParquet", "InletZlib", "CSnappy", "CZlib", "CZstd"],
            swiftSettings: upcomingFeatures
        ),

        // The process host: connectors that are executables speaking the Airbyte protocol over stdio.
        .target(name: "InletProcessHost", dependencies: ["InletJSON", "InletProtocol", "InletZlib"], swiftSettings: upcomingFeatures),
        // The record pipeline: any connector's records, prepared, committed in batches, checkpointed.
        .target(
            name: "InletPipeline",
            dependencies: [
                "InletJSON", "InletProtocol", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Destinations: Iceberg tables.
        .target(
            name: "InletIcebergDestination",
            dependencies: ["InletPipeline", "InletIceberg", "InletParquet", "InletJSON", "InletProtocol"],
            swiftSettings: upcomingFeatures
        ),

        // What a sync needs set up, shared by the CLI and the service: connectors by name, where the
        // tables land, and which streams go there how.
        .target(
            name: "InletSetup",
            dependencies: [
                "InletJSON", "InletProtocol", "InletDeclarative", "InletProcessHost", "InletPipeline", "InletIceberg",
                "InletIcebergDestination", "InletPostgres", "InletS3", "Yams",
            ],
            swiftSettings: upcomingFeatures
        ),
        // The ingestion service: its domain and store (no HTTP), then the HTTP layer on top.
        .target(
            name: "InletService",
            dependencies: [
                "InletJSON", "InletProtocol", "InletJSONSchema", "InletPipeline", "InletIcebergDestination", "InletSetup", "InletPostgres",
                "InletHTTP", "InletFiles", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "InletServiceHTTP",
            dependencies: [
                "InletService", "InletSetup", "InletJSON", "InletProtocol", "InletHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
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

        .executableTarget(
            name: "InterpolationBenchmark",
            dependencies: ["InletInterpolation", "InletJSON"],
            path: "Benchmarks/InterpolationBenchmark",
            swiftSettings: upcomingFeatures
        ),

        .executableTarget(
            name: "IcebergBenchmark",
            dependencies: ["InletIceberg", "InletParquet"],
            path: "Benchmarks/IcebergBenchmark",
            swiftSettings: upcomingFeatures
        ),

        .executableTarget(
            name: "ForwardBenchmark",
            dependencies: ["InletProcessHost", "InletProtocol", "InletJSON", "InletTestSupport"],
            path: "Benchmarks/ForwardBenchmark",
            swiftSettings: upcomingFeatures
        ),

        .executableTarget(
            name: "ManifestBenchmark",
            dependencies: ["InletDeclarative"],
            path: "Benchmarks/ManifestBenchmark",
            swiftSettings: upcomingFeatures
        ),

        // Test helpers shared by the test targets (the reference Python and its readers).
        .target(name: "InletTestSupport", path: "Tests/InletTestSupport", swiftSettings: upcomingFeatures),
        .testTarget(name: "InletJSONTests", dependencies: ["InletJSON"], swiftSettings: upcomingFeatures),
        .testTarget(name: "InletFilesTests", dependencies: ["InletFiles", "InletJSON"], swiftSettings: upcomingFeatures),
        .testTarget(name: "InletParquetTests", dependencies: ["InletParquet", "InletTestSupport"], swiftSettings: upcomingFeatures),
        .testTarget(name: "InletAvroTests", dependencies: ["InletAvro", "InletJSON", "InletTestSupport"], swiftSettings: upcomingFeatures),
        .testTarget(name: "InletIcebergTests", dependencies: ["InletIceberg", "InletParquet", "InletJSON", "InletTestSupport"], swiftSettings: upcomingFeatures),
        .testTarget(
            name: "InletProcessHostTests",
            dependencies: ["InletProcessHost", "InletProtocol", "InletJSON", "InletTestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "InletPipelineTests",
            dependencies: ["InletPipeline", "InletIcebergDestination", "InletIceberg", "InletProtocol", "InletJSON", "InletTestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "InletS3Tests",
            dependencies: ["InletS3", "InletIceberg", "InletPostgres", "InletPipeline", "InletProtocol", "InletJSON", "InletParquet", "InletTestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(name: "InletProtocolTests", dependencies: ["InletProtocol", "InletJSON"], swiftSettings: upcomingFeatures),
        .testTarget(name: "InletJSONSchemaTests", dependencies: ["InletJSONSchema", "InletJSON"], swiftSettings: upcomingFeatures),
        .testTarget(
            name: "InletDeclarativeTests",
            dependencies: [
                "InletDeclarative", "InletInterpolation", "InletJSON", "InletProtocol", "InletHTTP", "InletTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Reference/generate_resolution_cases.py"],
            resources: [.copy("Reference/resolution_cases.json")],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "InletInterpolationTests",
            dependencies: ["InletInterpolation", "InletJSON"],
            exclude: ["Reference/generate_interpolation_cases.py"],
            resources: [.copy("Reference/interpolation_cases.json")],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "InletServiceTests",
            dependencies: ["InletService", "InletJSON", "InletTestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "InletCLITests",
            dependencies: [
                "InletCLI", "InletSetup", "InletProtocol", "InletJSON", "InletS3", "InletHTTP", "InletTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Peers"],
            swiftSettings: upcomingFeatures
        ),
    ],
    swiftLanguageModes: [.v6]
)
