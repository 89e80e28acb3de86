public import InletJSON

/// Where jobs run when not in the service itself: an orchestrator (Apache Airflow) that holds a
/// DAG per job, schedules it and runs `inlet run-job` on its workers.
public protocol JobOrchestrator: Sendable {
    /// Where a person watches the job's DAG.
    func flowURL(dagID: String) -> String
    /// Makes the job's DAG (its file, then unpaused once the orchestrator parsed it).
    func deploy(_ job: JobRecord) async throws(ServiceError)
    /// Starts a run of the job's DAG whose run id is `runID`; a run already there with that id is fine.
    func trigger(dagID: String, runID: String, conf: JSONObject) async throws(ServiceError)
    /// Ends a run: the orchestrator marks it failed and stops its task.
    func cancel(dagID: String, runID: String) async throws(ServiceError)
    func setPaused(dagID: String, _ paused: Bool) async throws(ServiceError)
    /// Removes the job's DAG: its file first (so it cannot come back), then the DAG.
    func remove(_ job: JobRecord) async throws(ServiceError)
    /// Whether the orchestrator has the DAG (one a job names, made elsewhere).
    func hasDAG(_ dagID: String) async throws(ServiceError) -> Bool
    /// Lets go of connections at shutdown.
    func shutdown() async
    /// The runs of a DAG the service did not make (an `airflow.*` job naming an existing DAG), newest first.
    func runs(dagID: String, limit: Int, offset: Int) async throws(ServiceError) -> (runs: [OrchestratedRun], total: Int)
}

/// A DAG run as the orchestrator reports it.
public struct OrchestratedRun: Sendable {
    public var id: String
    public var status: SyncRecord.Status
    public var startedAt: String?
    public var completedAt: String?

    public init(id: String, status: SyncRecord.Status, startedAt: String?, completedAt: String?) {
        self.id = id
        self.status = status
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}
