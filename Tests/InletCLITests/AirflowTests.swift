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
    static let runner = ServiceProcess.token(permissions: ["data:ingestion:run"])

    static func airflowConfig(_ directory: URL, extra: String = "") throws -> String {
        let path = directory.appendingPathComponent("airflow.json").path
        try #"{"username": "admin", "password": "admin-password", "parse_wait_seconds": 30\#(extra)}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        return path
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
        let airflow = try await PeerProcess.start(python: venv + "/bin/python", script: "airflow_standin.py",
                                                  arguments: [dags.path, "--not-parsed-for", "3", "--conflict-first"])
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

        // Pause and delete: the file goes before the DAG, and the job stays deleted.
        #expect(try await service.call("POST", "/api/jobs/\(jobID)/pause", token: JobsTests.manage).json["status"] == "PAUSED")
        #expect(try await airflowState()["paused"]?[dagID] == true)
        #expect(try await service.call("DELETE", "/api/jobs/\(jobID)", token: JobsTests.manage).status == 204)
        #expect(!FileManager.default.fileExists(atPath: dags.appendingPathComponent("\(dagID).py").path))
        #expect(try await airflowState()["deleted"] == [["dag_id": .string(dagID), "file_present": false]])
        #expect(try await service.call("GET", "/api/jobs/\(jobID)", token: JobsTests.manage).json["status"] == "DELETED")
        let afterDelete = try await ExecutableTests.run(["run-job", jobID, "--run-id", "manual__late"], environment: worker)
        #expect(afterDelete.status == 1 && afterDelete.stderr.contains("deleted"), "\(afterDelete.stderr)")
        #expect(!service.log.contains { $0.contains(ServeTests.secretValue) })
        await http.shutdown()
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
