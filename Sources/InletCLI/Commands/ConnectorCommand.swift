import InletSetup
import InletJSON
import InletProtocol

/// A subcommand that runs one connector operation and relays its messages to stdout.
protocol ConnectorCommand {
    var connectorSelection: ConnectorSelection { get }
    /// Loads the command's inputs and starts the operation.
    func messages(from connector: any Connector) throws(CLIError) -> AirbyteMessageStream
    /// Whether STATE messages get the CDK's per-stream record counts.
    var countsRecordsInState: Bool { get }
    /// The `--config` file, rewritten when the connector replaces its config (a rotated token).
    var configFile: String? { get }
}

extension ConnectorCommand {
    var countsRecordsInState: Bool { false }
    var configFile: String? { nil }

    /// Runs the command and returns the process exit status, following the Airbyte CDK: 0 when the
    /// operation ran (a `check` that reports FAILED included), 1 after a TRACE ERROR.
    func execute(in environment: CommandEnvironment) async -> Int32 {
        var output = MessageWriter(output: environment.standardOutput)
        let stream: AirbyteMessageStream
        do {
            let connector = try environment.resolver.connector(for: connectorSelection)
            stream = try messages(from: connector)
        } catch {
            report(ConnectorError.configError(error.message), to: &output, environment: environment)
            return 1
        }

        var counter = StateRecordCounter()
        var iterator = stream.makeAsyncIterator()
        do {
            while let batch = try await iterator.nextBatch() {
                for var message in batch {
                    if countsRecordsInState { counter.process(&message) }
                    if case .control(let control) = message.content, control.type == .connectorConfig,
                       let path = configFile, let config = control.connectorConfig {
                        do { try ConfigFile.replace(atPath: path, with: config) } catch {
                            environment.standardError.write(line: "inlet: the connector replaced its config (a rotated token), and \(error)")
                        }
                    }
                    output.write(message)
                }
                output.flush()
            }
            return 0
        } catch let error as ConnectorError {
            if !error.isAlreadyReported {
                report(error, to: &output, environment: environment)
            } else {
                output.flush()
            }
            return 1
        } catch is CancellationError {
            output.flush()
            environment.standardError.write(line: "inlet: cancelled")
            return 1
        } catch {
            report(ConnectorError.systemError("The connector failed: \(error)"), to: &output, environment: environment)
            return 1
        }
    }

    /// A TRACE ERROR on stdout for the platform, and the same in one line on stderr for a person.
    private func report(_ error: ConnectorError, to output: inout MessageWriter, environment: CommandEnvironment) {
        output.write(error.traceMessage())
        output.flush()
        environment.standardError.write(line: "inlet: error: \(error.message)")
    }
}
