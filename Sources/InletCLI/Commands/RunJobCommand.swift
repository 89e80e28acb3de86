import ArgumentParser
import Foundation
import InletJSON
import InletJSONSchema
import InletPipeline
import InletProtocol
import InletService
import InletSetup
import Synchronization
import UnixSignals

/// `inlet run-job`: one run of an ingestion job, where an orchestrator (Apache Airflow) runs it.
/// The worker's token (`INLET_TOKEN`, permission `data:ingestion:run`) buys a token scoped to the
/// job; with that one alone the run's definition is fetched — so no secret is ever in the DAG file
/// or the orchestrator's database — the sync runs here through the same pipeline as in the
/// service, its log goes back as it runs, and its figures at the end. SIGTERM (the orchestrator
/// stopping the task) cancels the run: what it committed stays, with its checkpoint.
struct RunJobCommand: ServiceClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "run-job",
        abstract: "Run one run of an ingestion job on this machine (what the service's Airflow DAGs run).",
        discussion: "The token comes from $INLET_TOKEN; it needs data:ingestion:run (or manage) for the job's tenant."
    )

    @Argument(help: "The job's id.")
    var jobID: String

    @Option(name: .customLong("run-id"), help: "The orchestrator's id of this run (Airflow's {{ run_id }}).")
    var runID: String

    @Option(name: .customLong("service-url"), help: "The service's URL (default: $INLET_SERVICE_URL, else http://127.0.0.1:8113).")
    var serviceURL: String?

    @Option(name: .long, help: "The tenant (default: the token's only tenant).")
    var tenant: String?

    func execute(in environment: CommandEnvironment) async -> Int32 {
        let output = environment.standardError
        let worker: ServiceClient
        do { worker = try ServiceClient.fromEnvironment(serviceURL: serviceURL, tenant: tenant) } catch {
            output.write(line: "inlet: run-job: \(error)")
            return 1
        }
        let issued: JSONValue
        do { issued = try await worker.call("POST", "/api/jobs/\(jobID)/token") } catch {
            await worker.close()
            output.write(line: "inlet: run-job: job \(jobID) cannot start: \(error)")
            return 1
        }
        await worker.close()
        guard let token = issued["token"]?.stringValue else {
            output.write(line: "inlet: run-job: job \(jobID) cannot start: the service issued no job token")
            return 1
        }
        let jobClient = ServiceClient(baseURL: worker.baseURL, token: token, tenant: nil)
        let definition: RunDefinition
        do {
            definition = try RunDefinition(json: try await jobClient.call("POST", "/api/jobs/\(jobID)/runs/start",
                                                                          body: ["orchestrator_run_id": .string(runID)]))
        } catch {
            await jobClient.close()
            output.write(line: "inlet: run-job: job \(jobID) cannot start: \(error)")
            return 1
        }
        output.write(line: "inlet: run-job: job \(jobID) run \(definition.runID) (orchestrator run \(runID)) started")
        let outcome = await run(definition, client: jobClient, environment: environment)
        var report: JSONObject = [
            "status": .string(outcome.status.rawValue),
            "streams": .array(outcome.streams.map { ["name": .string($0.name), "recordsSynced": .int($0.recordsSynced),
                                                     "bytesSynced": .int($0.bytesSynced), "status": .string($0.status)] }),
        ]
        if let reason = outcome.failureReason { report["failureReason"] = reason.json }
        do { try await jobClient.call("POST", "/api/jobs/\(jobID)/runs/\(definition.runID)/finish", body: .object(report)) } catch {
            output.write(line: "inlet: run-job: the run's end cannot be reported: \(error)")
            await jobClient.close()
            return 1
        }
        await jobClient.close()
        let records = outcome.streams.reduce(0) { $0 + $1.recordsSynced }
        output.write(line: "inlet: run-job: run \(definition.runID) \(outcome.status.rawValue): \(records) records committed"
                     + (outcome.failureReason.map { ": \($0.message)" } ?? ""))
        return outcome.status == .succeeded ? 0 : 1
    }

    /// Runs the sync; SIGTERM or SIGINT cancels it. Its log lines go to the service once a second.
    private func run(_ definition: RunDefinition, client: ServiceClient, environment: CommandEnvironment) async -> RunOutcome {
        let connector: any Connector
        let keyStore: KeyStore
        let secrets: [String]
        do {
            connector = try environment.resolver.connector(for: ConnectorSelection(connector: definition.connectorType))
            keyStore = try KeyStore(path: definition.configuration.keyStorePath ?? definition.configuration.dataDirectory + "/keys.json")
            let specification = JSONValue.object(try await connector.specification().connectionSpecification)
            secrets = AirbyteSecrets.values(in: .object(definition.config), specification: specification)
        } catch {
            return RunOutcome(status: .failed, streams: [], failureReason: FailureReason(type: "system_error", origin: .service,
                                                                                         message: "the worker cannot set the run up: \(error)"))
        }
        let shipper = LogShipper()
        let output = environment.standardError
        // Lines go to the service and to the worker's own output (Airflow's task log).
        let log: @Sendable ([String]) -> Void = { lines in
            shipper.add(lines)
            for line in lines { output.write(line: line) }
        }
        let work = SyncWork(tenant: definition.tenant, syncID: definition.runID, jobID: definition.jobID, connection: definition.connection,
                            connector: connector, config: definition.config, secrets: secrets, configuration: definition.configuration,
                            keyStore: keyStore, log: log)
        let logPath = "/api/jobs/\(jobID)/runs/\(definition.runID)/log"
        let stopSignals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        /// What a task of the group saw: the run's end, a reason to stop the run, or nothing (cancelled).
        enum Event: Sendable {
            case ended(RunOutcome)
            case stop(String)
            case idle
        }
        let outcome = await withTaskGroup(of: Event.self) { group in
            group.addTask {
                do throws(SyncFailure) {
                    return .ended(RunOutcome(progress: try await work.run(), status: .succeeded, failureReason: nil))
                } catch {
                    let cancelled = Task.isCancelled
                    return .ended(RunOutcome(progress: error.progress, status: cancelled ? .cancelled : .failed, failureReason: cancelled ? nil : error.reason))
                }
            }
            group.addTask {
                // The log goes every second, and doubles as a heartbeat: a run the service ended
                // (cancelled) is answered 409, and the run stops here too.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    if await shipper.flush(to: client, path: logPath, errors: output) == .ended {
                        return .stop("worker: the service ended the run: cancelling it; what it committed stays")
                    }
                }
                return .idle
            }
            group.addTask {
                for await _ in stopSignals { return .stop("worker: stop signal: cancelling the run; what it committed stays") }
                return .idle
            }
            // A reason to stop cancels the run, which then ends CANCELLED with what it committed.
            var outcome: RunOutcome?
            while let event = await group.next() {
                switch event {
                case .ended(let ended):
                    outcome = ended
                    group.cancelAll()
                case .stop(let reason):
                    log([reason])
                    group.cancelAll()
                case .idle:
                    break
                }
            }
            return outcome ?? RunOutcome(status: .cancelled, streams: [], failureReason: nil)
        }
        await shipper.flush(to: client, path: logPath, errors: output, final: true)
        return outcome
    }
}

/// Log lines waiting to go to the service.
final class LogShipper: Sendable {
    private let pending = Mutex<[String]>([])

    func add(_ lines: [String]) {
        pending.withLock { $0.append(contentsOf: lines) }
    }

    enum Answer {
        case kept, ended
    }

    /// Sends what waits (nothing: a heartbeat). Lines that could not be sent wait for the next
    /// flush (at most 10,000 of them); the `final` flush writes its failure to `errors` (the lines
    /// stay in the worker's own output). `.ended` when the service says the run is over.
    @discardableResult
    func flush(to client: ServiceClient, path: String, errors: any OutputSink, final: Bool = false) async -> Answer {
        let lines = pending.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        if final && lines.isEmpty { return .kept }
        do { try await client.call("POST", path, body: ["lines": .array(lines.map(JSONValue.string))]) } catch {
            if error.status == 409 { return .ended }
            if final {
                errors.write(line: "inlet: run-job: \(lines.count) log lines cannot be sent to the service: \(error)")
            } else {
                pending.withLock { $0 = Array((lines + $0).suffix(10_000)) }
            }
        }
        return .kept
    }
}
