import Foundation
import InletHTTP
import InletJSON
import InletTestSupport
import Testing

/// Jobs handed to Apache Airflow: against a stand-in of Airflow 3's API for the error paths (a DAG
/// not parsed yet, a run id Airflow already has, Airflow down), with the test playing the worker
/// that runs `inlet run-job`; and against a real `airflow standalone` (AirflowStandaloneTests).
@Suite("Airflow hand-off")
struct AirflowTests {
    /// Made afresh at each use: one made once would expire (ten minutes) in a long test run.
    static var runner: String { ServiceProcess.token(permissions: ["data:ingestion:run"]) }

    static func airflowConfig(_ directory: URL, extra: String = "") throws -> String {
        let path = directory.appendingPathComponent("airflow.json").path
        try #"{"username": "admin", "password": "admin-password", "parse_wait_seconds": 30\#(extra)}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The Airflow stand-in (`Peers/airflow_standin.py`), on `port` when the test chose one.
    static func airflowStandIn(_ arguments: [String], port: Int? = nil) async throws -> ChildServer {
        try await onOwnThread {
            try ChildServer(executable: DataHubTests.venv + "/bin/python",
                            arguments: [peerScript("airflow_standin.py")] + arguments + (port.map { ["--port", String($0)] } ?? []), fixedPort: port)
        }
    }

    static func peerScript(_ name: String) -> String {
        SyncExecutableTests.repository.appendingPathComponent("Tests/InletCLITests/Peers/\(name)").path
    }

    static func waitFor<T>(_ what: String, timeout: Duration = .seconds(60), _ probe: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let value = try await probe() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServiceTestError(description: "\(what) did not happen within \(timeout)")
    }

    @Test func aJobBecomesADAGWhoseRunsTheWorkerRunsAndReports() async throws {
        let venv = DataHubTests.venv
        let dags = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-dags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dags) }
        let airflow = try await Self.airflowStandIn([dags.path, "--not-parsed-for", "3", "--conflict-first"])
        defer { airflow.stop() }
        let api = try await SyncExecutableTests.DemoAPI.start(count: 300, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start(arguments: ["--airflow-url", airflow.url, "--airflow-dags-folder", dags.path,
                                                                 "--airflow-config", try Self.airflowConfig(dags)])
        let http = HTTPSession()
        func airflowState() async throws -> JSONValue { try JSONParser.parse(try await http.send(HTTPRequest(url: airflow.url + "/_state")).body) }

        let created = try await service.call("POST", "/api/airbyte/ingest", token: JobsTests.manage, body: JobsTests.ingestBody(api))
        #expect(created.status == 201, "\(created.text)")
        let jobID = try #require(created.json["job_id"]?.stringValue)
        let dagID = "inlet_\(jobID)"
        #expect(created.json["flow_url"] == .string("\(airflow.url)/dags/\(dagID)"), "\(created.text)")
        let dagFile = try String(contentsOf: dags.appendingPathComponent("\(dagID).py"), encoding: .utf8)
        #expect(dagFile.contains("max_active_runs=1") && dagFile.contains("catchup=False") && dagFile.contains("is_paused_upon_creation=False")
                && dagFile.contains("schedule=None") && dagFile.contains("run-job' '\(jobID)'") && dagFile.contains("{{ run_id }}"), "\(dagFile)")
        #expect(!dagFile.contains(ServeTests.secretValue) && !dagFile.contains(JobsTests.manage), "a secret is in the DAG file")
        let compiled = try await FinishedProcess.run(venv + "/bin/python", ["-m", "py_compile", dags.appendingPathComponent("\(dagID).py").path])
        #expect(compiled.status == 0, "\(compiled.output)")

        // Airflow answers 404 three times (not parsed yet), then 409 (it has the run): the run is handed over, not failed.
        let pending = try await JobsTests.job(service, jobID, until: ["RUNNING"])
        let runID = try #require(pending["last_run"]?["id"]?.stringValue)
        let handed = try await Self.waitFor("the DAG run") { () async throws -> JSONValue? in
            let state = try await airflowState()
            return state["runs"]?["\(dagID) \(runID)"]
        }
        #expect(handed["conf"] == [:])
        #expect(try await airflowState()["refused"]?[dagID] == 3)
        #expect(try await service.call("GET", "/api/v1/syncs/\(runID)", token: JobsTests.manage).json["status"] == "PENDING")

        // The worker: its token only buys a job token; the job token only reads this job's run.
        // The worker finds the same connectors as the service (here its INLET_HOME).
        let worker = ["INLET_TOKEN": Self.runner, "INLET_SERVICE_URL": service.baseURL, "INLET_HOME": service.home.path]
        #expect(try await service.call("GET", "/api/v1/sources", token: Self.runner).status == 403)
        let jobToken = try #require(try await service.call("POST", "/api/jobs/\(jobID)/token", token: Self.runner).json["token"]?.stringValue)
        #expect(try await service.call("GET", "/api/v1/sources", token: jobToken).status == 401)
        #expect(try await service.call("POST", "/api/jobs/other-job/runs/start", token: jobToken, body: ["orchestrator_run_id": "x"]).status == 403)
        #expect(try await service.call("POST", "/api/jobs/\(jobID)/runs/start", token: JobsTests.manage, body: ["orchestrator_run_id": "x"]).status == 401)
        let run = try await ExecutableTests.run(["run-job", jobID, "--run-id", runID], environment: worker)
        #expect(run.status == 0 && run.stderr.contains("run \(runID) SUCCEEDED: 300 records committed"), "\(run.stderr)")
        let done = try await JobsTests.job(service, jobID, until: ["SUCCEEDED", "FAILED"])
        #expect(done["status"] == "SUCCEEDED" && done["last_run"]?["recordsSynced"] == 300 && done["runner"] == "airflow", "\(done)")
        #expect(try await ServeTests.table(service, namespace: "crm").rows == 300)
        let log = try await service.call("GET", "/api/v1/syncs/\(runID)/logs", token: JobsTests.manage)
        #expect(log.text.contains("started on an Airflow worker") && log.text.contains("pipeline: crm.items: 300 read, 300 committed")
                && !log.text.contains(ServeTests.secretValue), "\(log.text)")
        // A run that ended cannot start again.
        let rerun = try await ExecutableTests.run(["run-job", jobID, "--run-id", runID], environment: worker)
        #expect(rerun.status == 1 && rerun.stderr.contains("HTTP 409"), "\(rerun.stderr)")

        // A run Airflow scheduled itself is recorded when its task starts.
        let scheduled = try await ExecutableTests.run(["run-job", jobID, "--run-id", "scheduled__2026-12-05T00:00:00+00:00"], environment: worker)
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        let runs = try await service.call("GET", "/api/jobs/\(jobID)/runs", token: JobsTests.manage)
        #expect(runs.json["totalElements"] == 2, "\(runs.text)")

        // Cancel: Airflow marks the DAG run failed (and stops its task); the service records CANCELLED at once.
        let triggered = try await service.call("POST", "/api/jobs/\(jobID)/trigger", token: JobsTests.manage)
        #expect(triggered.status == 202 && triggered.json["status"] == "PENDING", "\(triggered.text)")
        let cancelID = try #require(triggered.json["id"]?.stringValue)
        _ = try await Self.waitFor("the second DAG run") { () async throws -> JSONValue? in try await airflowState()["runs"]?["\(dagID) \(cancelID)"] }
        #expect(try await service.call("POST", "/api/v1/syncs/\(cancelID)/cancel", token: JobsTests.manage).status == 204)
        #expect(try await service.call("GET", "/api/v1/syncs/\(cancelID)", token: JobsTests.manage).json["status"] == "CANCELLED")
        #expect(try await airflowState()["runs"]?["\(dagID) \(cancelID)"]?["state"] == "failed")
        let late = try await ExecutableTests.run(["run-job", jobID, "--run-id", cancelID], environment: worker)
        #expect(late.status == 1 && late.stderr.contains("already ended CANCELLED"), "\(late.stderr)")

        // A job that runs a DAG made elsewhere: triggered with its conf, its runs are Airflow's.
        try "# a DAG Inlet did not make\n".write(to: dags.appendingPathComponent("etl_nightly.py"), atomically: true, encoding: .utf8)
        let missingDAG = try await service.call("POST", "/api/jobs", token: JobsTests.manage,
                                                body: ["job_type": "airflow.dataeng", "job_name": "no such", "properties_json": #"{"dag_id": "nope"}"#])
        #expect(missingDAG.status == 400 && missingDAG.text.contains("no DAG 'nope'"), "\(missingDAG.text)")
        let dataeng = try await service.call("POST", "/api/jobs", token: JobsTests.manage, body: [
            "job_type": "airflow.dataeng", "job_name": "nightly etl", "source": "warehouse", "destination": "marts",
            "properties_json": #"{"dag_id": "etl_nightly", "conf": {"day": "2026-12-05"}}"#,
        ])
        #expect(dataeng.status == 201 && dataeng.json["job_type"] == "airflow.dataeng" && dataeng.json["dag_id"] == "etl_nightly"
                && dataeng.json["flow_url"] == .string("\(airflow.url)/dags/etl_nightly") && dataeng.json["connection_id"] == .null, "\(dataeng.text)")
        let dataengID = try #require(dataeng.json["id"]?.stringValue)
        let dagRun = try await service.call("POST", "/api/jobs/\(dataengID)/trigger", token: JobsTests.manage)
        #expect(dagRun.status == 202, "\(dagRun.text)")
        let dagRunID = try #require(dagRun.json["id"]?.stringValue)
        #expect(try await airflowState()["runs"]?["etl_nightly \(dagRunID)"]?["conf"] == ["day": "2026-12-05"])
        let dagRuns = try await service.call("GET", "/api/jobs/\(dataengID)/runs", token: JobsTests.manage)
        #expect(dagRuns.json["totalElements"] == 1 && dagRuns.json["content"]?[0]?["id"] == .string(dagRunID)
                && dagRuns.json["content"]?[0]?["status"] == "PENDING", "\(dagRuns.text)")
        #expect(try await service.call("DELETE", "/api/jobs/\(dataengID)", token: JobsTests.manage).status == 204)
        #expect(FileManager.default.fileExists(atPath: dags.appendingPathComponent("etl_nightly.py").path), "a DAG Inlet did not make is not Inlet's to delete")

        // Pause and delete: the file goes before the DAG, and the job stays deleted.
        #expect(try await service.call("POST", "/api/jobs/\(jobID)/pause", token: JobsTests.manage).json["status"] == "PAUSED")
        #expect(try await airflowState()["paused"]?[dagID] == true)
        #expect(try await service.call("DELETE", "/api/jobs/\(jobID)", token: JobsTests.manage).status == 204)
        #expect(!FileManager.default.fileExists(atPath: dags.appendingPathComponent("\(dagID).py").path))
        #expect(try await airflowState()["deleted"] == [["dag_id": .string(dagID), "file_present": false]], "only the job's own DAG is deleted")
        #expect(try await service.call("GET", "/api/jobs/\(jobID)", token: JobsTests.manage).json["status"] == "DELETED")
        let afterDelete = try await ExecutableTests.run(["run-job", jobID, "--run-id", "manual__late"], environment: worker)
        #expect(afterDelete.status == 1 && afterDelete.stderr.contains("deleted"), "\(afterDelete.stderr)")
        #expect(!service.log.contains { $0.contains(ServeTests.secretValue) })
        await http.shutdown()
        await service.stop()
    }

    /// A run cancelled through the service stops on its worker even when nothing kills the task:
    /// the worker's log heartbeat is answered 409, and the run ends CANCELLED with what it committed.
    @Test func aWorkerStopsARunTheServiceCancelled() async throws {
        let dags = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-dags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dags) }
        let airflow = try await Self.airflowStandIn([dags.path])
        defer { airflow.stop() }
        let api = try await SyncExecutableTests.DemoAPI.start(count: 3000, delay: 0.3)
        defer { api.stop() }
        let service = try await ServiceProcess.start(arguments: ["--airflow-url", airflow.url, "--airflow-dags-folder", dags.path,
                                                                 "--airflow-config", try Self.airflowConfig(dags), "--commit-records", "200"])
        let created = try await service.call("POST", "/api/airbyte/ingest", token: JobsTests.manage, body: JobsTests.ingestBody(api))
        let jobID = try #require(created.json["job_id"]?.stringValue)
        let runID = try #require(try await JobsTests.job(service, jobID, until: ["RUNNING"])["last_run"]?["id"]?.stringValue)
        let worker = ["INLET_TOKEN": Self.runner, "INLET_SERVICE_URL": service.baseURL, "INLET_HOME": service.home.path]
        async let run = ExecutableTests.run(["run-job", jobID, "--run-id", runID], environment: worker)
        _ = try await Self.waitFor("the run to commit on the worker") { () async throws -> Bool? in
            let log = try await service.call("GET", "/api/v1/syncs/\(runID)/logs", token: JobsTests.manage)
            return log.text.contains("pipeline: crm.items") ? true : nil
        }
        #expect(try await service.call("POST", "/api/v1/syncs/\(runID)/cancel", token: JobsTests.manage).status == 204)
        let ended = try await run
        #expect(ended.status == 1 && ended.stderr.contains("the service ended the run") && ended.stderr.contains("CANCELLED"),
                "status \(ended.status): \(ended.stderr)")
        let sync = try await service.call("GET", "/api/v1/syncs/\(runID)", token: JobsTests.manage).json
        let committed = sync["recordsSynced"]?.intValue ?? -1
        #expect(sync["status"] == "CANCELLED" && committed > 0 && committed < 3000, "\(sync)")
        let table = try await ServeTests.table(service, namespace: "crm")
        #expect(table.rows == Int(committed) && table.ids == table.rows && table.verified, "\(table) vs \(committed)")
        await service.stop()
    }

    /// Airflow 2's API (`/api/v1`, basic auth), and Airflow 3's tokens fetched again when refused.
    @Test(arguments: [(2, 0), (3, 2)])
    func airflow2AndRenewedTokensHandRunsOver(apiVersion: Int, tokensExpireAfter: Int) async throws {
        let dags = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-dags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dags) }
        let airflow = try await Self.airflowStandIn([dags.path, "--api-version", String(apiVersion), "--tokens-expire-after", String(tokensExpireAfter)])
        defer { airflow.stop() }
        let api = try await SyncExecutableTests.DemoAPI.start(count: 50, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start(arguments: [
            "--airflow-url", airflow.url, "--airflow-dags-folder", dags.path,
            "--airflow-config", try Self.airflowConfig(dags, extra: #", "api_version": \#(apiVersion)"#),
        ])
        let http = HTTPSession()
        func airflowState() async throws -> JSONValue { try JSONParser.parse(try await http.send(HTTPRequest(url: airflow.url + "/_state")).body) }
        let created = try await service.call("POST", "/api/airbyte/ingest", token: JobsTests.manage, body: JobsTests.ingestBody(api, schedule: "@weekly"))
        let jobID = try #require(created.json["job_id"]?.stringValue)
        let dagID = "inlet_\(jobID)"
        for _ in 0..<3 {
            let run = try await service.call("POST", "/api/jobs/\(jobID)/trigger", token: JobsTests.manage)
            let runID = try #require(run.json["id"]?.stringValue, "\(run.text)")
            _ = try await Self.waitFor("DAG run \(runID)") { () async throws -> JSONValue? in try await airflowState()["runs"]?["\(dagID) \(runID)"] }
            #expect(try await service.call("POST", "/api/v1/syncs/\(runID)/cancel", token: JobsTests.manage).status == 204)
            #expect(try await airflowState()["runs"]?["\(dagID) \(runID)"]?["state"] == "failed")
        }
        #expect(try await service.call("DELETE", "/api/jobs/\(jobID)", token: JobsTests.manage).status == 204)
        let state = try await airflowState()
        #expect(state["deleted"] == [["dag_id": .string(dagID), "file_present": false]], "\(state)")
        let requests = state["requests"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(requests.contains { $0.hasPrefix("POST /api/v\(apiVersion == 2 ? 1 : 2)/dags/\(dagID)/dagRuns") }, "\(requests)")
        if apiVersion == 3 {
            // Tokens served two requests each: the service fetched new ones when refused, and never failed for it.
            #expect((state["tokens_issued"]?.intValue ?? 0) >= 3, "\(state)")
        } else {
            #expect(!requests.contains("POST /auth/token"), "\(requests)")
        }
        await http.shutdown()
        await service.stop()
    }

    /// A run whose worker stops reporting (it died) ends FAILED after `worker_timeout_seconds`,
    /// and the job can run again; a run a stopped service had not handed over is handed over at start.
    @Test func aSilentWorkerFailsItsRunAndPendingRunsSurviveARestart() async throws {
        let dags = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-dags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dags) }
        let api = try await SyncExecutableTests.DemoAPI.start(count: 50, delay: 0)
        defer { api.stop() }
        // Airflow is down at first: the run waits PENDING, handed over while the service lives.
        let airflowPort = ChildServer.freePort()
        let config = try Self.airflowConfig(dags, extra: #", "worker_timeout_seconds": 2, "parse_wait_seconds": 600"#)
        let arguments = ["--airflow-url", "http://127.0.0.1:\(airflowPort)", "--airflow-dags-folder", dags.path, "--airflow-config", config]
        let first = try await ServiceProcess.start(arguments: arguments)
        let created = try await first.call("POST", "/api/airbyte/ingest", token: JobsTests.manage, body: JobsTests.ingestBody(api))
        let jobID = try #require(created.json["job_id"]?.stringValue)
        let runID = try #require(try await JobsTests.job(first, jobID, until: ["RUNNING"])["last_run"]?["id"]?.stringValue)
        await first.stop(removing: false)
        #expect(first.exitStatus == 0, "\(first.log.suffix(5))\n\(first.stackDump)")
        // Airflow comes up on that port; the restarted service hands the run over again.
        let airflow = try await Self.airflowStandIn([dags.path], port: airflowPort)
        defer { airflow.stop() }
        let service = try await ServiceProcess.start(directory: first.directory, arguments: arguments)
        let http = HTTPSession()
        _ = try await Self.waitFor("the run handed over after the restart") { () async throws -> JSONValue? in
            try JSONParser.parse(try await http.send(HTTPRequest(url: airflow.url + "/_state")).body)["runs"]?["inlet_\(jobID) \(runID)"]
        }
        await http.shutdown()
        // A worker starts the run, then goes silent.
        let jobToken = try #require(try await service.call("POST", "/api/jobs/\(jobID)/token", token: Self.runner).json["token"]?.stringValue)
        let started = try await service.call("POST", "/api/jobs/\(jobID)/runs/start", token: jobToken, body: ["orchestrator_run_id": .string(runID)])
        #expect(started.status == 200, "\(started.text)")
        let failed = try await Self.waitFor("the silent run to fail", timeout: .seconds(30)) { () async throws -> JSONValue? in
            let sync = try await service.call("GET", "/api/v1/syncs/\(runID)", token: JobsTests.manage).json
            return sync["status"] == "FAILED" ? sync : nil
        }
        #expect(failed["failureReason"]?["message"]?.stringValue?.contains("stopped reporting") == true, "\(failed)")
        #expect(try await service.call("POST", "/api/jobs/\(jobID)/trigger", token: JobsTests.manage).status == 202)
        await service.stop()
    }

    @Test func airflowDownFailsTheRunSayingSoAndDAGJobsNeedAnExistingDAG() async throws {
        let dags = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-dags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dags) }
        let api = try await SyncExecutableTests.DemoAPI.start(count: 10, delay: 0)
        defer { api.stop() }
        let service = try await ServiceProcess.start(arguments: ["--airflow-url", "http://127.0.0.1:1", "--airflow-dags-folder", dags.path,
                                                                 "--airflow-config", try Self.airflowConfig(dags, extra: #", "parse_wait_seconds": 2"#)])
        let created = try await service.call("POST", "/api/airbyte/ingest", token: JobsTests.manage, body: JobsTests.ingestBody(api))
        #expect(created.status == 201, "\(created.text)")
        let failed = try await JobsTests.job(service, created.json["job_id"]?.stringValue ?? "", until: ["FAILED"])
        #expect(failed["last_run"]?["failureReason"]?["message"]?.stringValue?.contains("Airflow did not start the run") == true
                && failed["last_run"]?["failureReason"]?["message"]?.stringValue?.contains("cannot be reached") == true, "\(failed)")
        let dagJob = try await service.call("POST", "/api/jobs", token: JobsTests.manage,
                                            body: ["job_type": "airflow.dataeng", "job_name": "etl", "properties_json": #"{"dag_id": "etl"}"#])
        #expect(dagJob.status == 400 && dagJob.text.contains("cannot be reached"), "\(dagJob.text)")
        await service.stop()

        let noFolder = try await ExecutableTests.run(["serve", "--port", "0", "--insecure-dev-auth", "--data-dir", dags.path + "/data",
                                                      "--airflow-url", "http://127.0.0.1:1"])
        #expect(noFolder.status == 1 && noFolder.stderr.contains("--airflow-dags-folder"), "\(noFolder.stderr)")
    }
}

/// A real Apache Airflow 3 (`airflow standalone` on loopback with SQLite, from PyPI): a job made
/// through the service becomes a DAG Airflow parses without errors, unpaused; its run is handed to
/// Airflow, whose task runs `inlet run-job`, and lands the table; a run cancelled through the service
/// ends CANCELLED and its DAG run failed; a deleted job's DAG is gone and stays gone.
@Suite("Apache Airflow", .serialized)
struct AirflowStandaloneTests {
    static let venv = ProcessInfo.processInfo.environment["INLET_AIRFLOW_VENV"]
        ?? FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/inlet-airflow/venv"

    /// `airflow standalone` in a process group of its own (it starts a scheduler, a DAG processor,
    /// an API server, a triggerer and workers), stopped as a group; the test fails if any of it outlives the stop.
    final class Standalone: @unchecked Sendable {
        let process = Process()
        let port: Int
        let home: URL
        var url: String { "http://127.0.0.1:\(port)" }

        init(home: URL, dags: URL, port: Int, environment extra: [String: String]) throws {
            self.home = home
            self.port = port
            var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
            environment["PATH"] = AirflowStandaloneTests.venv + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
            for (key, value) in [
                "AIRFLOW_HOME": home.path, "AIRFLOW__CORE__DAGS_FOLDER": dags.path, "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__API__HOST": "127.0.0.1", "AIRFLOW__API__PORT": "\(port)", "AIRFLOW__API__WORKERS": "1",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://127.0.0.1:\(port)/execution/", "AIRFLOW__CORE__PARALLELISM": "4",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True", "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "3",
                "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1", "AIRFLOW__CORE__MIN_SERIALIZED_DAG_UPDATE_INTERVAL": "1",
                "DATAHUB_TELEMETRY_ENABLED": "false", "SCARF_ANALYTICS": "false", "DO_NOT_TRACK": "true",
            ] { environment[key] = value }
            // Foundation starts the child as a process group leader: the group is Airflow's, and stops with it.
            process.executableURL = URL(fileURLWithPath: AirflowStandaloneTests.venv + "/bin/airflow")
            process.arguments = ["standalone"]
            process.environment = environment
            process.currentDirectoryURL = home
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let log = home.appendingPathComponent("standalone.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        var log: String { (try? String(contentsOf: home.appendingPathComponent("standalone.log"), encoding: .utf8)) ?? "" }

        /// Whether any process of the group is still there.
        var groupAlive: Bool { kill(-process.processIdentifier, 0) == 0 }

        func stop() async {
            kill(-process.processIdentifier, SIGTERM)
            for _ in 0..<200 where groupAlive { try? await Task.sleep(for: .milliseconds(100)) }
            if groupAlive { kill(-process.processIdentifier, SIGKILL) }
            for _ in 0..<300 where groupAlive { try? await Task.sleep(for: .milliseconds(100)) }
        }
    }

    @Test(.timeLimit(.minutes(20))) func aJobRunsInARealAirflow() async throws {
        let airflowBinary = Self.venv + "/bin/airflow"
        try #require(FileManager.default.isExecutableFile(atPath: airflowBinary), "no Airflow at \(airflowBinary): run .ci/run once")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inlet-airflow-\(UUID().uuidString)")
        let dags = directory.appendingPathComponent("dags")
        try FileManager.default.createDirectory(at: dags, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // 30 daily windows of 100 records, 0.3 s each: a run takes about 10 s, long enough to cancel one.
        let api = try await SyncExecutableTests.DemoAPI.start(count: 3000, delay: 0.3)
        defer { api.stop() }
        let config = directory.appendingPathComponent("airflow.json").path
        try #"{"parse_wait_seconds": 240}"#.write(toFile: config, atomically: true, encoding: .utf8)
        // Airflow's port first: the service names it; then Airflow, with the worker's environment.
        // Airflow's API server cannot take port 0 and tell which it got.
        let port = ChildServer.freePort()
        let airflowURL = "http://127.0.0.1:\(port)"
        let service = try await ServiceProcess.start(arguments: [
            "--airflow-url", airflowURL, "--airflow-dags-folder", dags.path, "--airflow-config", config, "--commit-records", "300",
        ])
        let runner = ServiceProcess.token(permissions: ["data:ingestion:run"], claims: ["exp": .int(Int64(Date().timeIntervalSince1970) + 3600)])
        let airflow = try Standalone(home: directory.appendingPathComponent("airflow"), dags: dags, port: port,
                                     environment: ["INLET_TOKEN": runner, "INLET_HOME": service.home.path])
        let http = HTTPSession()
        func airflowGET(_ path: String) async throws -> (status: Int, json: JSONValue) {
            let token = try JSONParser.parse(try await http.send(HTTPRequest(url: airflowURL + "/auth/token")).body)["access_token"]?.stringValue ?? ""
            let response = try await http.send(HTTPRequest(url: airflowURL + "/api/v2" + path, headers: [("Authorization", "Bearer \(token)")]))
            return (response.status, (try? JSONParser.parse(response.body)) ?? .null)
        }
        do {
            _ = try await AirflowTests.waitFor("Airflow to start", timeout: .seconds(600)) { () async throws -> Bool? in
                (try? await http.send(HTTPRequest(url: airflowURL + "/api/v2/monitor/health")))?.status == 200 ? true : nil
            }
            // A run-once job: the service writes the DAG file and hands the run over as soon as Airflow parsed it.
            // Overwrite: each run reads everything again (an incremental second run would be over before it could be cancelled).
            let created = try await service.call("POST", "/api/airbyte/ingest", token: JobsTests.manage,
                                                 body: JobsTests.ingestBody(api, extra: ["mode": "overwrite"]))
            #expect(created.status == 201, "\(created.text)")
            let jobID = try #require(created.json["job_id"]?.stringValue)
            let dagID = "inlet_\(jobID)"
            #expect(created.json["flow_url"] == .string("\(airflowURL)/dags/\(dagID)"))
            let dag = try await AirflowTests.waitFor("the DAG to be parsed", timeout: .seconds(120)) { () async throws -> JSONValue? in
                let answer = try await airflowGET("/dags/\(dagID)")
                return answer.status == 200 ? answer.json : nil
            }
            #expect(dag["is_paused"] == false && dag["max_active_runs"] == 1, "\(dag)")
            #expect(try await airflowGET("/importErrors").json["total_entries"] == 0)
            let done = try await JobsTests.job(service, jobID, until: ["SUCCEEDED", "FAILED"], timeout: .seconds(300))
            #expect(done["status"] == "SUCCEEDED" && done["last_run"]?["recordsSynced"] == 3000, "\(done)\n\(airflow.log.suffix(4000))")
            let runID = try #require(done["last_run"]?["id"]?.stringValue)
            // Airflow marks the DAG run once its scheduler sees the task ended.
            _ = try await AirflowTests.waitFor("the DAG run to succeed", timeout: .seconds(60)) { () async throws -> Bool? in
                try await airflowGET("/dags/\(dagID)/dagRuns/\(runID)").json["state"] == "success" ? true : nil
            }
            let table = try await ServeTests.table(service, namespace: "crm")
            #expect(table.rows == 3000 && table.ids == 3000 && table.verified, "\(table)")

            // Cancel mid-run: the DAG run is marked failed, Airflow stops the task, the run stays CANCELLED.
            let triggered = try await service.call("POST", "/api/jobs/\(jobID)/trigger", token: JobsTests.manage)
            let cancelID = try #require(triggered.json["id"]?.stringValue)
            _ = try await AirflowTests.waitFor("the second run to start on a worker", timeout: .seconds(180)) { () async throws -> Bool? in
                let log = try await service.call("GET", "/api/v1/syncs/\(cancelID)/logs", token: JobsTests.manage)
                return log.text.contains("started on an Airflow worker") ? true : nil
            }
            try await Task.sleep(for: .seconds(2))
            #expect(try await service.call("GET", "/api/v1/syncs/\(cancelID)", token: JobsTests.manage).json["status"] == "RUNNING")
            #expect(try await service.call("POST", "/api/v1/syncs/\(cancelID)/cancel", token: JobsTests.manage).status == 204)
            #expect(try await service.call("GET", "/api/v1/syncs/\(cancelID)", token: JobsTests.manage).json["status"] == "CANCELLED")
            #expect(try await airflowGET("/dags/\(dagID)/dagRuns/\(cancelID)").json["state"] == "failed")
            let stopped = try await AirflowTests.waitFor("the task to stop", timeout: .seconds(120)) { () async throws -> JSONValue? in
                let instances = try await airflowGET("/dags/\(dagID)/dagRuns/\(cancelID)/taskInstances").json["task_instances"]?[0]
                return ["running", "queued", "scheduled", "restarting"].contains(instances?["state"]?.stringValue ?? "running") ? nil : instances
            }
            #expect(stopped["state"] != "success", "\(stopped)")
            // The worker stops (told by the service's answer to its heartbeat, or by Airflow) and says how its run ended.
            let workerEnd = try await AirflowTests.waitFor("the worker to report", timeout: .seconds(60)) { () async throws -> String? in
                let log = try await service.call("GET", "/api/v1/syncs/\(cancelID)/logs", token: JobsTests.manage)
                return log.text.contains("the worker reported the run") ? log.text : nil
            }
            #expect(workerEnd.contains("the worker reported the run CANCELLED"), "\(workerEnd)")
            let cancelled = try await service.call("GET", "/api/v1/syncs/\(cancelID)", token: JobsTests.manage)
            #expect(cancelled.json["status"] == "CANCELLED", "\(cancelled.text)")
            let afterCancel = try await ServeTests.table(service, namespace: "crm")
            #expect(afterCancel.rows == afterCancel.ids && afterCancel.verified, "\(afterCancel)")

            // Delete: the file goes, then the DAG; it does not come back.
            #expect(try await service.call("DELETE", "/api/jobs/\(jobID)", token: JobsTests.manage).status == 204)
            // A parse of the file already under way when it went can still land once; then the DAG is gone.
            _ = try await AirflowTests.waitFor("the DAG to be gone", timeout: .seconds(30)) { () async throws -> Bool? in
                try await airflowGET("/dags/\(dagID)").status == 404 ? true : nil
            }
            try await Task.sleep(for: .seconds(10))
            #expect(try await airflowGET("/dags/\(dagID)").status == 404, "the deleted DAG came back")
            #expect(!service.log.contains { $0.contains(ServeTests.secretValue) })
            let dagFiles = try FileManager.default.contentsOfDirectory(atPath: dags.path)
            #expect(!dagFiles.contains("\(dagID).py"), "\(dagFiles)")
        } catch {
            Issue.record("\(error)\n\(airflow.log.suffix(4000))")
        }
        await http.shutdown()
        await airflow.stop()
        #expect(!airflow.groupAlive, "Airflow's processes outlived the test")
        await service.stop()
    }
}
