import Foundation
import InletS3
import InletTestSupport
import Testing

/// The S3 client against real servers on loopback: moto for the protocol, and a stand-in that
/// fails on purpose for retries and aborted uploads.
@Suite("S3 client over loopback")
struct S3ClientTests {
    static var faultyServer: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/faulty_s3.py").path
    }

    private static func client(port: Int, attempts: Int = 5, partSize: Int = 5 << 20,
                               retryNotice: (@Sendable (String) -> Void)? = nil) -> S3Client {
        var configuration = S3Client.Configuration(
            endpoint: URL(string: "http://127.0.0.1:\(port)"), region: "us-east-1",
            credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"),
            maximumAttempts: attempts, retryDelay: .milliseconds(20), partSize: partSize)
        configuration.retryNotice = retryNotice
        return S3Client(configuration)
    }

    /// A file of `count` random bytes, drawn 8 at a time (a system call per byte took seconds in a
    /// debug build, and minutes under load, while the test server's lifetime ran out).
    private static func randomFile(bytes count: Int) throws -> (String, [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - count)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-s3-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    // Each test's blocking work runs on a thread of its own (`onOwnThread`); the expectations follow.

    @Test func objectsAndMultipartUploadsRoundTripThroughMoto() async throws {
        let (small, smallSize, largeSize, largeMatches, sizeAfterDelete) = try await onOwnThread {
            let moto = try ChildServer.moto()
            defer { moto.stop() }
            let s3 = Self.client(port: moto.port)
            defer { s3.shutdown() }
            try s3.createBucket("lake")
            let small = S3Location(bucket: "lake", key: "warehouse/db/t/metadata/v1 (copy).json")
            try s3.put(Array("{\"a\": 1}".utf8), at: small)
            let smallBytes = try s3.get(small)
            let smallSize = try s3.size(of: small)
            // 12 MiB in parts of 5 MiB: three parts, the last one short.
            let (path, bytes) = try Self.randomFile(bytes: 12 << 20)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let large = S3Location(bucket: "lake", key: "warehouse/db/t/data/part-0.parquet")
            try s3.upload(file: path, to: large)
            let largeSize = try s3.size(of: large)
            let largeMatches = try s3.get(large) == bytes
            try s3.delete(small)
            return (smallBytes, smallSize, largeSize.map { $0 == bytes.count }, largeMatches, try s3.size(of: small))
        }
        #expect(small == Array("{\"a\": 1}".utf8))
        #expect(smallSize == 8)
        #expect(largeSize == true)
        #expect(largeMatches)
        #expect(sizeAfterDelete == nil)
    }

    @Test func throttlingAndBrokenConnectionsAreRetried() async throws {
        for mode in ["slowdown:2", "dropped:2"] {
            let (requests, notices) = try await onOwnThread { () throws -> ([String], [String]) in
                let server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", Self.faultyServer, mode])
                defer { server.stop() }
                let notices = CollectedLines()
                let s3 = Self.client(port: server.port, retryNotice: notices.append)
                defer { s3.shutdown() }
                try s3.put([1, 2, 3], at: S3Location(bucket: "lake", key: "k"))
                return (server.log.split(separator: "\n").map(String.init), notices.all)
            }
            #expect(requests.count == 3, "\(mode): \(requests)")
            #expect(requests.last?.hasSuffix(" 200") == true, "\(mode): \(requests)")
            // Each retry is told, with what failed and when the next attempt comes.
            #expect(notices.count == 2 && notices[0].hasPrefix("S3 PUT s3://lake/k: ") && notices[1].hasSuffix("attempt 3 of 5 in 0.0 s"),
                    "\(notices)")
            if mode.hasPrefix("slowdown") { #expect(notices.allSatisfy { $0.contains("SlowDown") }, "\(notices)") }
        }
    }

    @Test func aServerThatKeepsFailingEndsInAnErrorThatSaysSo() async throws {
        let (error, requests) = try await onOwnThread { () throws -> (S3Error?, Int) in
            let server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", Self.faultyServer, "always503"])
            defer { server.stop() }
            let s3 = Self.client(port: server.port, attempts: 3)
            defer { s3.shutdown() }
            do {
                try s3.put([1], at: S3Location(bucket: "lake", key: "k"))
                return (nil, server.log.split(separator: "\n").count)
            } catch {
                return (error as? S3Error, server.log.split(separator: "\n").count)
            }
        }
        #expect(error?.status == 503)
        #expect(error?.message == "PUT s3://lake/k failed with SlowDown: Please reduce your request rate. after 3 attempts")
        #expect(requests == 3)
    }

    @Test func aFailedPartAbortsTheMultipartUpload() async throws {
        let (failed, requests) = try await onOwnThread { () throws -> (Bool, [String]) in
            let server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", Self.faultyServer, "partfails"])
            defer { server.stop() }
            let (path, _) = try Self.randomFile(bytes: 6 << 20)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let s3 = Self.client(port: server.port)
            defer { s3.shutdown() }
            let failed = (try? s3.upload(file: path, to: S3Location(bucket: "lake", key: "big"))) == nil
            return (failed, server.log.split(separator: "\n").map(String.init))
        }
        #expect(failed)
        #expect(requests.first == "POST /lake/big?uploads 200")
        #expect(requests.last == "DELETE /lake/big?uploadId=up-1 204")
        // The part is refused once (400 is not retried), and nothing completes the upload.
        #expect(!requests.contains { $0.hasPrefix("POST /lake/big?uploadId") })
    }
}
