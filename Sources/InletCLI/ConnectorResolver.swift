import Foundation
import InletDeclarative
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
        do {
            let manifest = try Manifest.load(path: manifestPath)
            return DeclarativeConnector(manifest: manifest)
        } catch {
            throw CLIError("manifest file \(error)")
        }
    }
}
