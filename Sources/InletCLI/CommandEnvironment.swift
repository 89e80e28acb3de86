public import InletSetup

/// What a command runs against: how connectors are found and where output goes.
public struct CommandEnvironment: Sendable {
    public var resolver: any ConnectorResolver
    public var standardOutput: any OutputSink
    public var standardError: any OutputSink

    public init(
        resolver: any ConnectorResolver = DefaultConnectorResolver(),
        standardOutput: any OutputSink = FileDescriptorSink.standardOutput,
        standardError: any OutputSink = FileDescriptorSink.standardError
    ) {
        self.resolver = resolver
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}
