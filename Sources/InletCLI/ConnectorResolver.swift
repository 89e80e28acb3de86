import Foundation
public import InletProtocol

/// Turns the command line's connector selection into a runnable `Connector`.
public protocol ConnectorResolver: Sendable {
    func connector(for selection: ConnectorSelection) throws(CLIError) -> any Connector
}

/// The connector kinds this build can run.
public struct DefaultConnectorResolver: ConnectorResolver {
    public init() {}

    public func connector(for selection: ConnectorSelection) throws(CLIError) -> any Connector {
        guard let manifestPath = selection.manifestPath else {
            throw CLIError("no connector given: pass --manifest-path with a declarative manifest")
        }
        guard FileManager.default.isReadableFile(atPath: manifestPath) else {
            throw CLIError("manifest file \(manifestPath) does not exist or cannot be read")
        }
        // The declarative engine plugs in here; until it has landed no manifest can run.
        throw CLIError(
            "manifest file \(manifestPath): this build of inlet cannot run declarative manifests yet (the declarative engine is not part of it)"
        )
    }
}
