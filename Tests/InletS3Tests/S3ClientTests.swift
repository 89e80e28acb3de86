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

    private func client(port: Int, attempts: Int = 5, partSize: Int = 5 << 20) -> S3Client {
        S3Client(S3Client.Configuration(
            endpoint: URL(string: "http://127.0.0.1:\(port)"), region: "us-east-1",
            credentials: S3Credentials(accessKeyID: "testing", secretAccessKey: "testing"),
            maximumAttempts: attempts, retryDelay: .milliseconds(20), partSize: partSize))
    }

    private func randomFile(bytes count: Int) throws -> (String, [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-s3-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    @Test func objectsAndMultipartUploadsRoundTripThroughMoto() throws {
        let moto = try ChildServer.moto()
        defer { moto.stop() }
        let port = moto.port
        let s3 = client(port: port)
        try s3.createBucket("lake")
        let small = S3Location(bucket: "lake", key: "warehouse/db/t/metadata/v1 (copy).json")
        try s3.put(Array("{\"a\": 1}".utf8), at: small)
        #expect(try s3.get(small) == Array("{\"a\": 1}".utf8))
        #expect(try s3.size(of: small) == 8)

        // 12 MiB in parts of 5 MiB: three parts, the last one short.
        let (path, bytes) = try randomFile(bytes: 12 << 20)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let large = S3Location(bucket: "lake", key: "warehouse/db/t/data/part-0.parquet")
        try s3.upload(file: path, to: large)
        #expect(try s3.size(of: large) == bytes.count)
        #expect(try s3.get(large) == bytes)

        try s3.delete(small)
        #expect(try s3.size(of: small) == nil)
        s3.shutdown()
    }

    @Test func throttlingAndBrokenConnectionsAreRetried() throws {
        for mode in ["slowdown:2", "dropped:2"] {
            let server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", Self.faultyServer, mode])
            defer { server.stop() }
            let s3 = client(port: server.port)
            try s3.put([1, 2, 3], at: S3Location(bucket: "lake", key: "k"))
            s3.shutdown()
            let requests = server.log.split(separator: "\n")
            #expect(requests.count == 3, "\(mode): \(requests)")
            #expect(requests.last?.hasSuffix(" 200") == true, "\(mode): \(requests)")
        }
    }

    @Test func aServerThatKeepsFailingEndsInAnErrorThatSaysSo() throws {
        let server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", Self.faultyServer, "always503"])
        defer { server.stop() }
        let s3 = client(port: server.port, attempts: 3)
        #expect {
            try s3.put([1], at: S3Location(bucket: "lake", key: "k"))
        } throws: { error in
            let s3Error = error as? S3Error
            return s3Error?.status == 503 && s3Error?.message == "PUT s3://lake/k failed with SlowDown: Please reduce your request rate. after 3 attempts"
        }
        s3.shutdown()
        #expect(server.log.split(separator: "\n").count == 3)
    }

    @Test func aFailedPartAbortsTheMultipartUpload() throws {
        let server = try ChildServer(executable: "/usr/bin/env", arguments: ["python3", Self.faultyServer, "partfails"])
        defer { server.stop() }
        let (path, _) = try randomFile(bytes: 6 << 20)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s3 = client(port: server.port)
        #expect(throws: S3Error.self) {
            try s3.upload(file: path, to: S3Location(bucket: "lake", key: "big"))
        }
        s3.shutdown()
        let requests = server.log.split(separator: "\n").map(String.init)
        #expect(requests.first == "POST /lake/big?uploads 200")
        #expect(requests.last == "DELETE /lake/big?uploadId=up-1 204")
        // The part is refused once (400 is not retried), and nothing completes the upload.
        #expect(!requests.contains { $0.hasPrefix("POST /lake/big?uploadId") })
    }
}
