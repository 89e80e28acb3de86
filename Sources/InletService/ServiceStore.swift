/// Where the service keeps its tenants' sources, connections and syncs. Every read names the tenant:
/// a record of another tenant is never returned, so it looks exactly like a missing one.
public protocol ServiceStore: Sendable {
    func save(_ source: SourceRecord) throws(ServiceError)
    func source(tenant: String, id: String) throws(ServiceError) -> SourceRecord?
    func sources(tenant: String) throws(ServiceError) -> [SourceRecord]
    func deleteSource(tenant: String, id: String) throws(ServiceError)

    func save(_ connection: ConnectionRecord) throws(ServiceError)
    func connection(tenant: String, id: String) throws(ServiceError) -> ConnectionRecord?
    func connections(tenant: String, sourceID: String?) throws(ServiceError) -> [ConnectionRecord]
    func deleteConnection(tenant: String, id: String) throws(ServiceError)
    /// The connections of every tenant that have a schedule.
    func scheduledConnections() throws(ServiceError) -> [ConnectionRecord]

    func save(_ sync: SyncRecord) throws(ServiceError)
    func sync(tenant: String, id: String) throws(ServiceError) -> SyncRecord?
    func syncs(tenant: String, query: SyncQuery) throws(ServiceError) -> (syncs: [SyncRecord], total: Int)
    /// Syncs of every tenant in these statuses (those a service that stopped left unfinished).
    func syncs(in statuses: [SyncRecord.Status]) throws(ServiceError) -> [SyncRecord]

    func save(_ job: JobRecord) throws(ServiceError)
    func job(tenant: String, id: String) throws(ServiceError) -> JobRecord?
    func jobs(tenant: String, query: JobQuery) throws(ServiceError) -> (jobs: [JobRecord], total: Int)
    /// The job of every tenant with this id (a job-scoped token names its job, and the token's tenant is checked after).
    func job(id: String) throws(ServiceError) -> JobRecord?

    func save(_ file: FileRecord) throws(ServiceError)
    func file(tenant: String, id: String) throws(ServiceError) -> FileRecord?
    /// A tenant's files, newest first.
    func files(tenant: String) throws(ServiceError) -> [FileRecord]
    /// Every tenant's files in these statuses (imports a stopped service left behind).
    func files(in statuses: [FileRecord.Status]) throws(ServiceError) -> [FileRecord]
    func deleteFile(tenant: String, id: String) throws(ServiceError)

    /// The answer first given to a request with this idempotency key (within `maximumAge` seconds).
    func rememberedAnswer(tenant: String, key: String, operation: String, maximumAge: Double) throws(ServiceError) -> RememberedAnswer?
    /// Keeps an answer for its idempotency key; an answer already kept for the key wins.
    func remember(_ answer: RememberedAnswer, tenant: String, key: String, operation: String) throws(ServiceError)

    func appendLog(syncID: String, lines: [String]) throws(ServiceError)
    func log(tenant: String, syncID: String) throws(ServiceError) -> [String]
}

/// A page of a tenant's syncs, in an order.
public struct SyncQuery: Sendable {
    public enum Field: String, Sendable, CaseIterable {
        case startedAt, completedAt, status, recordsSynced, bytesSynced, durationMs, id
    }

    public var connectionID: String?
    public var page: Int
    public var size: Int
    public var sort: Field
    public var descending: Bool

    public static let maximumSize = 100
    /// Pages past this are refused (their offset would not fit in an integer long before).
    public static let maximumPage = 10_000_000

    public init(connectionID: String? = nil, page: Int = 0, size: Int = 20, sort: Field = .startedAt, descending: Bool = true) {
        self.connectionID = connectionID
        self.page = min(max(0, page), Self.maximumPage)
        self.size = min(max(1, size), Self.maximumSize)
        self.sort = sort
        self.descending = descending
    }
}

/// An answer kept for an idempotency key: what the first request got.
public struct RememberedAnswer: Sendable, Equatable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}
