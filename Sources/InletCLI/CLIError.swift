/// A problem with what the user gave the CLI: a file, an argument, a connector name.
public struct CLIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
