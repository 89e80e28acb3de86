import Foundation

/// A program run to its end, with its standard output and standard error.
///
/// Tests wait for programs with `run`, which waits on a thread of its own: a test that blocked a
/// thread of Swift's cooperative pool (two threads on a two-core machine) would stall every other
/// test, and whatever those tests time or wait for.
public struct FinishedProcess: Sendable {
    public var status: Int32
    /// Standard output, with standard error interleaved unless it was asked for apart.
    public var output: String
    /// Standard error when it was asked for apart, else empty.
    public var errors: String

    public enum ErrorStream: Sendable {
        /// Standard error goes into `output`, interleaved as written.
        case merged
        /// Standard error is kept in `errors`.
        case apart
    }

    /// Runs `executable` with `arguments` to its end; `environment` replaces the test's when given.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           directory: String? = nil, errors: ErrorStream = .merged) async throws -> FinishedProcess {
        try await onOwnThread {
            try runBlocking(executable, arguments, environment: environment, directory: directory, errors: errors)
        }
    }

    /// As `run`, blocking the calling thread: only for code already on a thread of its own.
    public static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                                   directory: String? = nil, errors: ErrorStream = .merged) throws -> FinishedProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        // Standard error apart goes to a file, so that neither pipe can fill while the other is read.
        var errorFile: URL?
        switch errors {
        case .merged:
            process.standardError = pipe
        case .apart:
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-stderr-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: file)
            errorFile = file
        }
        defer { if let errorFile { try? FileManager.default.removeItem(at: errorFile) } }
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let errorText = errorFile.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? ""
        return FinishedProcess(status: process.terminationStatus, output: output, errors: errorText)
    }
}
