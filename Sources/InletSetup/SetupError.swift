/// A problem with what the user gave: a file, an argument, a connector name, a setting. Its message
/// says where and why, and never holds a secret.
public struct SetupError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
