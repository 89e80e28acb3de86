/// Where the service keeps its files and lands its tables, and how much it runs at once.
public struct ServiceConfiguration: Sendable {
    /// The keys, checkpoints, local warehouse and catalog live here (as for `inlet sync`).
    public var dataDirectory: String
    /// The warehouse root; each tenant's tables go under `<warehouse>/<tenant>/`. Default: `<data-dir>/warehouse`.
    public var warehouse: String?
    /// `--catalog` of `inlet sync`: default, a SQLite catalog in the data directory.
    public var catalogSpec: String?
    public var catalogSettings: [String: String]
    public var s3Settings: [String: String]
    public var maximumConcurrentSyncs: Int
    /// How long a source's `check` may take before its test fails.
    public var checkTimeout: Duration
    /// Commit once this many records are buffered (as `inlet sync --commit-records`).
    public var commitRecords: Int
    /// The key store that seals secrets; default `<data-dir>/keys.json`. Instances sharing a store
    /// share this file too.
    public var keyStorePath: String?
    /// `--state-store` of `inlet sync`: where checkpoints are kept (default `<data-dir>/state.db`);
    /// `sql:postgres://…` lets any Airflow worker resume a connection.
    public var stateStoreSpec: String?
    /// Where jobs' governance goes; nil: DataHub's file format in `<data-dir>/datahub/mcps.json`.
    public var dataHub: DataHubSettings?
    /// How long a run on an Airflow worker may go without word from it before it is FAILED.
    public var workerTimeout: Duration = .seconds(300)
    /// The largest file an upload may carry.
    public var maximumUploadBytes: Int64 = 1 << 30
    /// The connector types sources may use; nil: every one this installation runs.
    public var allowedConnectorTypes: Set<String>?
    /// The service's URL as clients reach it (its jobs' `flow_url` start with it); nil: paths only.
    public var publicURL: String?

    public init(dataDirectory: String, keyStorePath: String? = nil, warehouse: String? = nil, catalogSpec: String? = nil, catalogSettings: [String: String] = [:],
                s3Settings: [String: String] = [:], maximumConcurrentSyncs: Int = 2, checkTimeout: Duration = .seconds(60),
                commitRecords: Int = 100_000) {
        self.dataDirectory = dataDirectory
        self.keyStorePath = keyStorePath
        self.warehouse = warehouse
        self.catalogSpec = catalogSpec
        self.catalogSettings = catalogSettings
        self.s3Settings = s3Settings
        self.maximumConcurrentSyncs = max(1, maximumConcurrentSyncs)
        self.checkTimeout = checkTimeout
        self.commitRecords = max(1, commitRecords)
    }

    /// Where a tenant's tables go: its own directory (or prefix) under the warehouse.
    func warehouse(of tenant: String) -> String {
        (warehouse ?? dataDirectory + "/warehouse") + "/" + tenant
    }
}
