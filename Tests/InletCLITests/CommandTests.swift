import Foundation
import InletCLI
import InletJSON
import InletProtocol
import Testing

/// The CLI's commands run in-process against a test connector, with stdout and stderr captured.
@Suite("CLI commands and exit codes")
struct CommandTests {
    struct Run {
        var status: Int32
        var stdout: CapturingSink
        var stderr: CapturingSink

        var messages: [AirbyteMessage] {
            stdout.lines.compactMap { try? AirbyteMessage.parse(line: $0) }
        }

        var traceErrors: [AirbyteErrorTraceMessage] {
            messages.compactMap { message in
                if case .trace(let trace) = message.content { return trace.error }
                return nil
            }
        }
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func run(_ arguments: [String], connector: TestConnector = TestConnector()) async -> Run {
        let stdout = CapturingSink()
        let stderr = CapturingSink()
        let environment = CommandEnvironment(resolver: FixedResolver(connector: connector), standardOutput: stdout, standardError: stderr)
        let status = await CommandRunner.run(arguments: arguments, environment: environment)
        return Run(status: status, stdout: stdout, stderr: stderr)
    }

    static let catalogJSON = #"{"streams":[{"stream":{"name":"items","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh","destination_sync_mode":"overwrite"}]}"#

    @Test func specPrintsTheSpecAndExitsZero() async {
        let run = await run(["spec"])
        #expect(run.status == 0)
        #expect(run.stdout.lines == [#"{"type":"SPEC","spec":{"connectionSpecification":{"type":"object"},"supportsNormalization":false,"supportsDBT":false}}"#])
    }

    @Test func aFailedCheckStillExitsZero() async throws {
        let config = try file("config.json", #"{"api_key":"x"}"#)
        var connector = TestConnector()
        connector.checkOutcome = [.log(.error, "Check failed"), .connectionStatus(.failed, message: "bad key")]
        let run = await run(["check", "--config", config], connector: connector)
        #expect(run.status == 0)
        #expect(run.stdout.lines.last == #"{"type":"CONNECTION_STATUS","connectionStatus":{"status":"FAILED","message":"bad key"}}"#)
    }

    @Test func discoverPrintsTheCatalog() async throws {
        let config = try file("config.json", "{}")
        let run = await run(["discover", "--config", config])
        #expect(run.status == 0)
        guard case .catalog(let catalog) = run.messages.first?.content else {
            Issue.record("no catalog")
            return
        }
        #expect(catalog.streams.map(\.name) == ["items"])
    }

    @Test func readPassesInputsAndCountsRecordsInState() async throws {
        let config = try file("config.json", #"{"k":1}"#)
        let catalog = try file("catalog.json", Self.catalogJSON)
        let state = try file("state.json", #"[{"type":"STREAM","stream":{"stream_descriptor":{"name":"items"},"stream_state":{"cursor":"a"}}}]"#)
        var connector = TestConnector()
        connector.readMessages = [
            .record(stream: "items", data: ["id": 1], emittedAt: 5),
            .record(stream: "items", data: ["id": 2], emittedAt: 5),
            AirbyteMessage(.state(.stream(StreamDescriptor(name: "items"), state: ["cursor": "b"]))),
        ]
        let run = await run(["read", "--config", config, "--catalog", catalog, "--state", state], connector: connector)
        #expect(run.status == 0)
        #expect(run.stdout.lines == [
            #"{"type":"RECORD","record":{"stream":"items","data":{"id":1},"emitted_at":5}}"#,
            #"{"type":"RECORD","record":{"stream":"items","data":{"id":2},"emitted_at":5}}"#,
            #"{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"items"},"stream_state":{"cursor":"b"}},"sourceStats":{"recordCount":2.0}}}"#,
        ])
        #expect(connector.observedRead.config == ["k": 1])
        #expect(connector.observedRead.catalog?.streams.first?.stream.name == "items")
        #expect(connector.observedRead.state?.first?.stream?.streamState == ["cursor": "a"])
    }

    @Test func aFailedReadEndsWithATraceErrorAndExitOne() async throws {
        let config = try file("config.json", "{}")
        let catalog = try file("catalog.json", Self.catalogJSON)
        var connector = TestConnector()
        connector.readMessages = [.record(stream: "items", data: ["id": 1], emittedAt: 5)]
        connector.readFailure = ConnectorError(failureType: .systemError, message: "The API answered 500 three times.")
        let run = await run(["read", "--config", config, "--catalog", catalog], connector: connector)
        #expect(run.status == 1)
        #expect(run.messages.count == 2)
        #expect(run.traceErrors.map(\.message) == ["The API answered 500 three times."])
        #expect(run.stderr.text == "inlet: error: The API answered 500 three times.\n")
    }

    @Test func anAlreadyReportedFailureIsNotReportedTwice() async throws {
        let config = try file("config.json", "{}")
        let catalog = try file("catalog.json", Self.catalogJSON)
        var connector = TestConnector()
        let failure = ConnectorError(failureType: .configError, message: "401 Unauthorized", isAlreadyReported: true)
        connector.readMessages = [failure.traceMessage()]
        connector.readFailure = failure
        let run = await run(["read", "--config", config, "--catalog", catalog], connector: connector)
        #expect(run.status == 1)
        #expect(run.traceErrors.count == 1)
    }

    @Test func aTruncatedConfigNamesTheFileAndThePlace() async throws {
        let config = try file("config.json", "{\n  \"api_key\": \"secret-value\",\n  \"start\": ")
        let run = await run(["check", "--config", config])
        #expect(run.status == 1)
        let message = try #require(run.traceErrors.first?.message)
        #expect(message == "config file \(config) is not valid JSON: line 3, column 12 (byte 42): unexpected end of input, expected a value")
        #expect(!run.stdout.text.contains("secret-value"))
        #expect(run.stderr.lines == ["inlet: error: \(message)"])
    }

    @Test func aConfigThatIsNotAnObject() async throws {
        let config = try file("config.json", "[1, 2]")
        let run = await run(["discover", "--config", config])
        #expect(run.status == 1)
        #expect(run.traceErrors.first?.message == "config file \(config): expected a JSON object, found array")
        #expect(run.traceErrors.first?.failureType == .configError)
    }

    @Test func aMissingConfigFile() async {
        let run = await run(["check", "--config", "/nonexistent/config.json"])
        #expect(run.status == 1)
        #expect(run.traceErrors.first?.message == "config file /nonexistent/config.json does not exist")
    }

    @Test func aCatalogThatIsNotACatalogNamesThePath() async throws {
        let config = try file("config.json", "{}")
        let catalog = try file("catalog.json", #"{"streams":[{"stream":{"name":"a","json_schema":{},"supported_sync_modes":["full_refresh"]},"sync_mode":"full_refresh"}]}"#)
        let run = await run(["read", "--config", config, "--catalog", catalog])
        #expect(run.status == 1)
        #expect(run.traceErrors.first?.message == "catalog file \(catalog) is not a configured catalog: $.streams[0].destination_sync_mode: is required but missing")
    }

    @Test func stateFilesInEveryShapeTheCDKAccepts() async throws {
        let config = try file("config.json", "{}")
        let catalog = try file("catalog.json", Self.catalogJSON)
        for (contents, expectedCount) in [("", 0), ("[]", 0), ("{}", 0), ("null", 0), (#"{"items":{"cursor":1}}"#, 1)] {
            let connector = TestConnector()
            let state = try file("state.json", contents)
            let run = await run(["read", "--config", config, "--catalog", catalog, "--state", state], connector: connector)
            #expect(run.status == 0, "state file \(contents.debugDescription)")
            #expect(connector.observedRead.state?.count == expectedCount)
        }
        let badState = try file("bad-state.json", #"[{"type":"STREAM"}]"#)
        let run = await run(["read", "--config", config, "--catalog", catalog, "--state", badState])
        #expect(run.status == 1)
        #expect(run.traceErrors.first?.message == "state file \(badState): $[0].stream: is required but missing")
    }

    @Test func commandLineErrorsExitTwoLikeArgparse() async {
        let unknown = await run(["frobnicate"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.lines.first == "Error: Unexpected argument 'frobnicate'")
        #expect(unknown.stdout.text.isEmpty)
        let missingOption = await run(["check"])
        #expect(missingOption.status == 2)
        #expect(missingOption.stderr.lines.first == "Error: Missing expected argument '--config <config>'")
        let nothing = await run([])
        #expect(nothing.status == 2)
        let help = await run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.text.contains("USAGE: inlet <subcommand>"))
    }
}
