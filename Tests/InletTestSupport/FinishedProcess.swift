import Foundation

/// A program run to its end, with its standard output and error read together.
public struct FinishedProcess: Sendable {
    public var status: Int32
    public var output: String

    /// Runs `executable` with `arguments`; `environment` replaces the test's when given.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> FinishedProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return FinishedProcess(status: process.terminationStatus, output: output)
    }
}
