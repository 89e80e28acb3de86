import Foundation
import Testing

/// A server a test runs as a child process on 127.0.0.1 and kills when done (moto, stand-ins).
public final class ChildServer: @unchecked Sendable {
    private let process = Process()
    public let port: Int
    private let logFile: URL

    /// Starts `executable` and waits (at most 30 s) until `port(from:)` finds the port in its
    /// output, or until a fixed port answers.
    public init(executable: String, arguments: [String], fixedPort: Int? = nil) throws {
        logFile = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-child-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()
        if let fixedPort {
            port = fixedPort
            let deadline = Date().addingTimeInterval(30)
            while !Self.answers(port: fixedPort) {
                guard Date() < deadline, process.isRunning else {
                    throw ChildServerError.didNotStart("\(executable) did not listen on \(fixedPort): \(log)")
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        } else {
            let line = String(decoding: output.fileHandleForReading.availableLine(), as: UTF8.self)
            guard line.hasPrefix("port "), let number = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ChildServerError.didNotStart("\(executable) said '\(line)'")
            }
            port = number
        }
    }

    public var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: logFile)
    }

    /// A port no one listens on now.
    public static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func answers(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

public enum ChildServerError: Error {
    case didNotStart(String)
}

private extension FileHandle {
    /// Bytes up to the first newline (or the end).
    func availableLine() -> [UInt8] {
        var line: [UInt8] = []
        while let byte = try? read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        return line
    }
}

extension ChildServer {
    /// moto's S3 server on a free port, from the venv `.ci/run` makes (`INLET_S3_VENV`).
    public static func moto() throws -> ChildServer {
        let venv = ProcessInfo.processInfo.environment["INLET_S3_VENV"]
            ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-s3/venv"
        let port = freePort()
        return try ChildServer(executable: venv + "/bin/moto_server", arguments: ["-H", "127.0.0.1", "-p", String(port)], fixedPort: port)
    }
}

/// Runs blocking work (network waits, child processes, semaphores) on a thread of its own, so the
/// few cooperative threads the tests share keep running other tests meanwhile. Expectations belong
/// outside: a plain thread is not inside any test.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
