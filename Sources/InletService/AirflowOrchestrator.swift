import Foundation
import InletHTTP
import Synchronization
public import InletJSON

/// How the service reaches Apache Airflow and what its DAGs run: `inlet serve --airflow-url URL
/// --airflow-dags-folder DIR --airflow-config FILE`, the file holding
/// `{"api_version": 3, "username": …, "password": …, "inlet_command": "/usr/local/bin/inlet",
/// "service_url": "http://inlet:8113", "parse_wait_seconds": 300, "worker_timeout_seconds": 300}` (all optional).
public struct AirflowSettings: Sendable {
    public var url: String
    public var dagsFolder: String
    /// 3: Airflow 3's `/api/v2` with a token from `/auth/token`; 2: Airflow 2's `/api/v1` with basic auth.
    public var apiVersion: Int
    public var username: String?
    public var password: String?
    /// `inlet` on Airflow's workers.
    public var inletCommand: String
    /// The service as Airflow's workers reach it (known once the service listens, when its port is picked then).
    public var serviceURL: ServiceURL
    /// How long a DAG Airflow has not parsed yet (404) is waited for.
    public var parseWait: Duration
    /// How long a run's worker may be silent before the run is FAILED (nil: the service's default).
    public var workerTimeoutSeconds: Double?

    public init(url: String, dagsFolder: String, apiVersion: Int = 3, username: String? = nil, password: String? = nil,
                inletCommand: String, serviceURL: ServiceURL, parseWait: Duration = .seconds(300)) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.dagsFolder = dagsFolder
        self.apiVersion = apiVersion
        self.username = username
        self.password = password
        self.inletCommand = inletCommand
        self.serviceURL = serviceURL
        self.parseWait = parseWait
    }

    /// The settings from the flags and the config file's JSON (nil: none).
    public static func load(url: String, dagsFolder: String, config: JSONValue?, inletCommand: String,
                            serviceURL: ServiceURL) throws(ServiceError) -> AirflowSettings {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ServiceError(.invalid, "--airflow-url \(url): expected an http(s) URL")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dagsFolder, isDirectory: &isDirectory), isDirectory.boolValue,
              FileManager.default.isWritableFile(atPath: dagsFolder) else {
            throw ServiceError(.invalid, "--airflow-dags-folder \(dagsFolder): not a writable directory")
        }
        let version = Int(config?["api_version"]?.intValue ?? 3)
        guard version == 2 || version == 3 else { throw ServiceError(.invalid, "airflow config: api_version must be 2 or 3") }
        if version == 2, config?["username"]?.stringValue == nil {
            throw ServiceError(.invalid, "airflow config: Airflow 2's API needs username and password (basic auth)")
        }
        var settings = AirflowSettings(url: url, dagsFolder: dagsFolder, apiVersion: version, username: config?["username"]?.stringValue,
                                       password: config?["password"]?.stringValue,
                                       inletCommand: config?["inlet_command"]?.stringValue ?? inletCommand,
                                       serviceURL: config?["service_url"]?.stringValue.map { ServiceURL($0) } ?? serviceURL,
                                       parseWait: .seconds(config?["parse_wait_seconds"]?.doubleValue ?? 300))
        settings.workerTimeoutSeconds = config?["worker_timeout_seconds"]?.doubleValue
        return settings
    }
}

/// Jobs as Apache Airflow DAGs: one DAG file per ingest job in the dags folder, whose one task runs
/// `inlet run-job`; runs started, marked failed, paused and deleted through Airflow's REST API.
public final class AirflowOrchestrator: JobOrchestrator {
    public let settings: AirflowSettings
    private let session = HTTPSession(timeouts: .init(connect: .seconds(10), read: .seconds(60)))
    private let tokens = AirflowTokens()

    public init(settings: AirflowSettings) {
        self.settings = settings
    }

    private var api: String { settings.url + (settings.apiVersion == 3 ? "/api/v2" : "/api/v1") }

    public func flowURL(dagID: String) -> String { settings.url + "/dags/" + dagID }

    func dagFile(_ dagID: String) -> String { settings.dagsFolder + "/" + dagID + ".py" }

    // MARK: - DAG files

    public func deploy(_ job: JobRecord) async throws(ServiceError) {
        guard let dagID = job.dagID else { throw ServiceError(.internal, "job \(job.id) has no DAG id") }
        let text = AirflowDAGFile(job: job, dagID: dagID, settings: settings).text
        let path = dagFile(dagID)
        do {
            // Written aside and renamed, so Airflow never parses half a file.
            let partial = settings.dagsFolder + "/.\(dagID).py.partial"
            try Data(text.utf8).write(to: URL(fileURLWithPath: partial))
            guard rename(partial, path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            throw ServiceError(.internal, "the DAG file \(path) cannot be written: \(error)")
        }
    }

    public func remove(_ job: JobRecord) async throws(ServiceError) {
        guard let dagID = job.dagID else { return }
        let path = dagFile(dagID)
        // The file goes first: a DAG deleted while its file is still there comes back at the next parse.
        if FileManager.default.fileExists(atPath: path) {
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw ServiceError(.internal, "the DAG file \(path) cannot be removed: \(error)")
            }
        }
        let response = try await send("DELETE", "/dags/\(dagID)")
        guard (200..<300).contains(response.status) || response.status == 404 else {
            throw failure("deleting DAG \(dagID)", response)
        }
    }

    // MARK: - Runs

    public func trigger(dagID: String, runID: String, conf: JSONObject) async throws(ServiceError) {
        var body: JSONObject = ["dag_run_id": .string(runID), "conf": .object(conf)]
        if settings.apiVersion == 3 { body["logical_date"] = .null }
        let deadline = ContinuousClock.now + settings.parseWait
        var delay = Duration.seconds(1)
        /// Waits before the next try; false once the wait for Airflow is over.
        func waitedToRetry() async -> Bool {
            guard ContinuousClock.now + delay < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(15))
            return true
        }
        while true {
            let response: HTTPResponse
            do { response = try await send("POST", "/dags/\(dagID)/dagRuns", body: .object(body)) } catch {
                // Airflow unreachable: tried again until the wait is over.
                guard await waitedToRetry() else { throw error }
                continue
            }
            switch response.status {
            case 200..<300, 409: return  // 409: a run with this id is there already; triggering is idempotent.
            case 404, 502, 503, 504:
                // 404: Airflow has not parsed the DAG file yet; the others: Airflow is restarting.
                guard await waitedToRetry() else {
                    throw failure("starting run \(runID) of DAG \(dagID) (waited \(settings.parseWait.components.seconds) s)", response)
                }
            default:
                throw failure("starting run \(runID) of DAG \(dagID)", response)
            }
        }
    }

    public func cancel(dagID: String, runID: String) async throws(ServiceError) {
        let response = try await send("PATCH", "/dags/\(dagID)/dagRuns/\(URLEncoding.quote(runID, safe: ""))", body: ["state": "failed"])
        // 404: Airflow never made the run; nothing to stop.
        guard (200..<300).contains(response.status) || response.status == 404 else {
            throw failure("marking run \(runID) of DAG \(dagID) failed", response)
        }
    }

    public func setPaused(dagID: String, _ paused: Bool) async throws(ServiceError) {
        let response = try await send("PATCH", "/dags/\(dagID)", body: ["is_paused": .bool(paused)])
        guard (200..<300).contains(response.status) else { throw failure("\(paused ? "pausing" : "resuming") DAG \(dagID)", response) }
    }

    /// Whether Airflow knows the DAG (an existing DAG a job names).
    public func hasDAG(_ dagID: String) async throws(ServiceError) -> Bool {
        let response = try await send("GET", "/dags/\(dagID)")
        if response.status == 404 { return false }
        guard (200..<300).contains(response.status) else { throw failure("looking up DAG \(dagID)", response) }
        return true
    }

    public func runs(dagID: String, limit: Int, offset: Int) async throws(ServiceError) -> (runs: [OrchestratedRun], total: Int) {
        let order = settings.apiVersion == 3 ? "-run_after" : "-execution_date"
        let response = try await send("GET", "/dags/\(dagID)/dagRuns?limit=\(limit)&offset=\(offset)&order_by=\(order)")
        guard (200..<300).contains(response.status), let json = try? JSONParser.parse(response.body) else {
            throw failure("listing the runs of DAG \(dagID)", response)
        }
        let runs = (json["dag_runs"]?.arrayValue ?? []).compactMap { run -> OrchestratedRun? in
            guard let id = run["dag_run_id"]?.stringValue else { return nil }
            let status: SyncRecord.Status = switch run["state"]?.stringValue {
            case "success": .succeeded
            case "failed": .failed
            case "running": .running
            default: .pending
            }
            return OrchestratedRun(id: id, status: status, startedAt: run["start_date"]?.stringValue, completedAt: run["end_date"]?.stringValue)
        }
        return (runs, Int(json["total_entries"]?.intValue ?? Int64(runs.count)))
    }

    // MARK: - HTTP

    private func failure(_ what: String, _ response: HTTPResponse) -> ServiceError {
        let detail = (try? JSONParser.parse(response.body))?["detail"].map { $0.stringValue ?? JSONWriter.string(from: $0) }
            ?? String(response.bodyText.prefix(300))
        return ServiceError(.invalid, "Airflow refused \(what): HTTP \(response.status): \(detail)")
    }

    /// A request to Airflow's API, authenticated; a 401 gets a fresh token and one more try.
    private func send(_ method: String, _ path: String, body: JSONValue? = nil) async throws(ServiceError) -> HTTPResponse {
        var response = try await sendOnce(method, path, body: body, token: try await token(renew: false))
        if response.status == 401, settings.apiVersion == 3 {
            response = try await sendOnce(method, path, body: body, token: try await token(renew: true))
        }
        return response
    }

    private func sendOnce(_ method: String, _ path: String, body: JSONValue?, token: String?) async throws(ServiceError) -> HTTPResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token { headers.append(("Authorization", token)) }
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json"))
            bytes = Array(JSONWriter.string(from: body).utf8)
        }
        do { return try await session.send(HTTPRequest(method: method, url: api + path, headers: headers, body: bytes)) } catch {
            throw ServiceError(.invalid, "Airflow at \(settings.url) cannot be reached: \(error)")
        }
    }

    /// The Authorization header's value: basic auth for Airflow 2, a bearer token from `/auth/token` for Airflow 3.
    private func token(renew: Bool) async throws(ServiceError) -> String? {
        if settings.apiVersion == 2 {
            guard let username = settings.username else { return nil }
            return "Basic " + Data("\(username):\(settings.password ?? "")".utf8).base64EncodedString()
        }
        if !renew, let known = await tokens.current { return "Bearer " + known }
        var request = HTTPRequest(method: "GET", url: settings.url + "/auth/token", headers: [("Accept", "application/json")])
        if let username = settings.username {
            request = HTTPRequest(method: "POST", url: settings.url + "/auth/token", headers: [("Content-Type", "application/json")],
                                  body: Array(JSONWriter.string(from: ["username": .string(username), "password": .string(settings.password ?? "")]).utf8))
        }
        let response: HTTPResponse
        do { response = try await session.send(request) } catch {
            throw ServiceError(.invalid, "Airflow at \(settings.url) cannot be reached: \(error)")
        }
        guard (200..<300).contains(response.status), let token = (try? JSONParser.parse(response.body))?["access_token"]?.stringValue else {
            throw ServiceError(.invalid, "Airflow at \(settings.url) gave no API token (HTTP \(response.status)); check the airflow config's username and password")
        }
        await tokens.keep(token)
        return "Bearer " + token
    }

    public func shutdown() async {
        await session.shutdown()
    }
}

/// The service's URL for others to call back, set once it is known.
public final class ServiceURL: Sendable {
    private let current: Mutex<String>

    public init(_ url: String) {
        current = Mutex(url)
    }

    public var value: String { current.withLock { $0 } }

    public func set(_ url: String) { current.withLock { $0 = url } }
}

/// The Airflow API token in use.
private actor AirflowTokens {
    var current: String?

    func keep(_ token: String) { current = token }
}

/// The DAG file of a job: its schedule (in the job's time zone), one active run at a time, no
/// catch-up, unpaused from the start; its one task runs `inlet run-job` against the service. It
/// holds no secret: the worker's token comes from the worker's environment (`INLET_TOKEN`).
struct AirflowDAGFile {
    var job: JobRecord
    var dagID: String
    var settings: AirflowSettings

    /// A Python string literal of `text`.
    static func literal(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\\": return "\\\\"
            case "\"": return "\\\""
            case "\n": return "\\n"
            case "\r": return "\\r"
            default:
                return scalar.value < 0x20 || scalar.value == 0x7F ? String(format: "\\x%02x", scalar.value) : String(scalar)
            }
        }.joined() + "\""
    }

    /// A shell word of `text` (single-quoted).
    static func shellWord(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    var text: String {
        let schedule = job.schedule.map(Self.literal) ?? "None"
        let timeZone = Self.literal(job.timeZone ?? "UTC")
        let command = [settings.inletCommand, "run-job", job.id, "--service-url", settings.serviceURL.value, "--tenant", job.tenant]
            .map(Self.shellWord).joined(separator: " ") + " --run-id \"{{ run_id }}\""
        return """
        # Made by Inlet for ingestion job \(job.id) of tenant \(job.tenant). Inlet rewrites and removes
        # this file: change the job through the service instead. It holds no secret: the task's
        # token comes from the worker's environment (INLET_TOKEN).
        import pendulum
        from airflow import DAG

        try:
            from airflow.providers.standard.operators.bash import BashOperator
        except ImportError:  # Airflow 2
            from airflow.operators.bash import BashOperator

        with DAG(
            dag_id=\(Self.literal(dagID)),
            description=\(Self.literal("Inlet ingest job: " + job.name)),
            schedule=\(schedule),
            start_date=pendulum.datetime(2020, 1, 1, tz=\(timeZone)),
            catchup=False,
            max_active_runs=1,
            is_paused_upon_creation=False,
            tags=["inlet", \(Self.literal("tenant:" + job.tenant))],
        ) as dag:
            BashOperator(
                task_id="run_job",
                bash_command=\(Self.literal(command)),
                append_env=True,
            )

        """
    }
}
