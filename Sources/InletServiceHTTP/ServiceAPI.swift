import Foundation
public import Hummingbird
import InletJSON
public import InletService
import InletSetup
import HTTPTypes

/// The REST API over the ingestion service: `/api/v1` routes for sources, connections and syncs.
/// Each route checks the bearer token, the tenant header and the permission it needs, then asks
/// the service; every failure answers `{timestamp, status, error, message, path}`.
public struct ServiceAPI: Sendable {
    let service: IngestionService
    let verifier: TokenVerifier
    let requestLog: @Sendable (String) -> Void
    let metrics: ServiceMetrics
    /// Signs and checks the tokens `inlet run-job` runs a job with.
    let jobTokens: JobTokens?

    /// `requestLog` gets one JSON line per request: method, route, status, duration, tenant.
    public init(service: IngestionService, verifier: TokenVerifier, metrics: ServiceMetrics = ServiceMetrics(), jobTokens: JobTokens? = nil,
                requestLog: @escaping @Sendable (String) -> Void = { _ in }) {
        self.service = service
        self.jobTokens = jobTokens
        self.verifier = verifier
        self.metrics = metrics
        self.requestLog = requestLog
    }

    enum Access {
        case read, manage
        /// Starting a job's run on a worker: `data:ingestion:run` (or manage).
        case run
        /// A job token of this service, for the job the path names.
        case job
    }

    public func routes(into router: Router<BasicRequestContext>) {
        router.add(middleware: ErrorBodyMiddleware())
        router.get("/health") { _, _ in APIExchange.json(["status": "UP"]) }
        router.get("/metrics") { [metrics] _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text)))
        }
        router.get("/api/v1/openapi.json") { _, _ in
            APIExchange.json(OpenAPIDocument.json(connectorTypes: service.connectorTypes().map(\.name)))
        }

        fileRoutes(into: router, maximumUploadBytes: service.maximumUploadBytes)
        router.get("/api/v1/sources/connector-types", use: handler("/api/v1/sources/connector-types", access: nil) { _, _, _ in
            APIExchange.json(.array(service.connectorTypes().map { ["name": .string($0.name), "kind": .string($0.kind)] }))
        })
        router.post("/api/v1/sources", use: handler("/api/v1/sources", access: .manage, idempotent: true) { tenant, request, _ in
            let fields = BodyFields(object: try await APIExchange.object(&request))
            try fields.only(["name", "description", "connectorType", "connectionConfig"])
            let draft = SourceDraft(name: try fields.string("name", required: true)!, description: try fields.string("description"),
                                    connectorType: try fields.string("connectorType", required: true)!,
                                    connectionConfig: try fields.object("connectionConfig", required: true)!)
            return APIExchange.json(APIViews.source(try await service.createSource(tenant: tenant, draft)), status: .created)
        })
        router.get("/api/v1/sources", use: handler("/api/v1/sources", access: .read) { tenant, _, _ in
            APIExchange.json(.array(try service.sources(tenant: tenant).map { APIViews.source($0) }))
        })
        router.get("/api/v1/sources/:id", use: handler("/api/v1/sources/{id}", access: .read) { tenant, _, context in
            let source = try service.source(tenant: tenant, id: try Self.id(context))
            return APIExchange.json(APIViews.source(source, config: try await service.maskedConfig(of: source)))
        })
        router.put("/api/v1/sources/:id", use: handler("/api/v1/sources/{id}", access: .manage) { tenant, request, context in
            let fields = BodyFields(object: try await APIExchange.object(&request))
            try fields.only(["name", "description", "connectorType", "connectionConfig"])
            let id = try Self.id(context)
            if let type = try fields.string("connectorType"), type != (try service.source(tenant: tenant, id: id)).connectorType {
                throw APIError.badRequest("connectorType: a source's connector type cannot change; create another source")
            }
            let update = SourceUpdate(name: try fields.string("name"), description: try fields.string("description"),
                                      connectionConfig: try fields.object("connectionConfig"))
            return APIExchange.json(APIViews.source(try await service.updateSource(tenant: tenant, id: id, update)))
        })
        router.delete("/api/v1/sources/:id", use: handler("/api/v1/sources/{id}", access: .manage) { tenant, _, context in
            try service.deleteSource(tenant: tenant, id: try Self.id(context))
            return APIExchange.empty(.noContent)
        })
        router.post("/api/v1/sources/:id/test", use: handler("/api/v1/sources/{id}/test", access: .manage) { tenant, _, context in
            APIExchange.json(APIViews.source(try await service.testSource(tenant: tenant, id: try Self.id(context))))
        })
        router.post("/api/v1/sources/:id/discover", use: handler("/api/v1/sources/{id}/discover", access: .manage) { tenant, _, context in
            APIExchange.json(APIViews.discovery(try await service.discoverSource(tenant: tenant, id: try Self.id(context))))
        })

        router.post("/api/v1/connections", use: handler("/api/v1/connections", access: .manage, idempotent: true) { tenant, request, _ in
            let draft = try Self.connectionDraft(try await APIExchange.object(&request))
            let connection = try await service.createConnection(tenant: tenant, draft)
            return APIExchange.json(try view(connection, tenant: tenant), status: .created)
        })
        router.get("/api/v1/connections", use: handler("/api/v1/connections", access: .read) { tenant, _, _ in
            APIExchange.json(.array(try service.connections(tenant: tenant).map { try view($0, tenant: tenant) }))
        })
        router.get("/api/v1/connections/:id", use: handler("/api/v1/connections/{id}", access: .read) { tenant, _, context in
            APIExchange.json(try view(try service.connection(tenant: tenant, id: try Self.id(context)), tenant: tenant))
        })
        router.put("/api/v1/connections/:id", use: handler("/api/v1/connections/{id}", access: .manage) { tenant, request, context in
            let draft = try Self.connectionDraft(try await APIExchange.object(&request))
            let connection = try await service.updateConnection(tenant: tenant, id: try Self.id(context), draft)
            return APIExchange.json(try view(connection, tenant: tenant))
        })
        router.delete("/api/v1/connections/:id", use: handler("/api/v1/connections/{id}", access: .manage) { tenant, _, context in
            try await service.deleteConnection(tenant: tenant, id: try Self.id(context))
            return APIExchange.empty(.noContent)
        })

        router.post("/api/v1/syncs/connections/:id/trigger",
                    use: handler("/api/v1/syncs/connections/{connectionId}/trigger", access: .manage, idempotent: true) { tenant, _, context in
            APIExchange.json(APIViews.sync(try await service.triggerSync(tenant: tenant, connectionID: try Self.id(context))), status: .accepted)
        })
        router.post("/api/v1/syncs/:id/cancel", use: handler("/api/v1/syncs/{id}/cancel", access: .manage) { tenant, _, context in
            try await service.cancelSync(tenant: tenant, id: try Self.id(context))
            return APIExchange.empty(.noContent)
        })
        router.get("/api/v1/syncs/:id", use: handler("/api/v1/syncs/{id}", access: .read) { tenant, _, context in
            APIExchange.json(APIViews.sync(try service.sync(tenant: tenant, id: try Self.id(context))))
        })
        router.get("/api/v1/syncs/:id/logs", use: handler("/api/v1/syncs/{id}/logs", access: .read) { tenant, _, context in
            let id = try Self.id(context)
            return APIExchange.json(["syncId": .string(id), "lines": .array(try service.syncLog(tenant: tenant, id: id).map(JSONValue.string))])
        })
        router.get("/api/v1/syncs", use: handler("/api/v1/syncs", access: .read) { tenant, request, _ in
            let query = try Self.syncQuery(request)
            let (syncs, total) = try service.syncs(tenant: tenant, query: query)
            return APIExchange.json(APIViews.page(syncs.map(APIViews.sync), total: total, query: query))
        })
        jobRoutes(into: router)
    }

    private func view(_ connection: ConnectionRecord, tenant: String) throws -> JSONValue {
        APIViews.connection(connection, sourceName: (try? service.source(tenant: tenant, id: connection.sourceID))?.name ?? "")
    }

    // MARK: - Requests

    static func id(_ context: BasicRequestContext) throws(APIError) -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw APIError.badRequest("the path names no id") }
        return id
    }

    static func connectionDraft(_ object: JSONObject) throws(APIError) -> ConnectionDraft {
        let fields = BodyFields(object: object)
        try fields.only(["sourceId", "name", "destinationType", "syncSchedule", "timeZone", "selectedStreams", "syncMode", "targetSchema",
                         "writeMode", "mergeKeys", "columnTransformations", "archiveStaging", "addIngestionMetadata"])
        var draft = ConnectionDraft()
        draft.sourceID = try fields.string("sourceId")
        draft.name = try fields.string("name")
        draft.destinationType = try fields.string("destinationType")
        draft.syncSchedule = try fields.nullableString("syncSchedule")
        draft.timeZone = try fields.nullableString("timeZone")
        draft.selectedStreams = try fields.nullableStrings("selectedStreams")
        if let mode = try fields.string("syncMode") {
            guard let syncMode = ConnectionRecord.SyncMode(rawValue: mode) else {
                throw APIError.badRequest("syncMode: '\(mode)' is not FULL_REFRESH, INCREMENTAL or CDC")
            }
            draft.syncMode = syncMode
        }
        draft.targetSchema = try fields.string("targetSchema")
        if let schema = draft.targetSchema, schema.isEmpty || !schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            throw APIError.badRequest("targetSchema: '\(schema)' must be letters, digits and _")
        }
        draft.writeMode = try fields.nullableString("writeMode")
        if let keys = try fields.nullableString("mergeKeys") {
            // Comma-separated, as the ingest jobs take them; a list works too.
            draft.mergeKeys = keys.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        } else if object["mergeKeys"] != nil {
            draft.mergeKeys = try fields.nullableStrings("mergeKeys")
        }
        if let transformations = object["columnTransformations"] {
            guard case .array = transformations else { throw APIError.badRequest("columnTransformations: must be a list") }
            draft.columnTransformations = transformations
        }
        draft.archiveStaging = try fields.bool("archiveStaging")
        draft.addIngestionMetadata = try fields.bool("addIngestionMetadata")
        return draft
    }

    static func syncQuery(_ request: Request) throws(APIError) -> SyncQuery {
        let parameters = request.uri.queryParameters
        func integer(_ name: String, default value: Int) throws(APIError) -> Int {
            guard let text = parameters[Substring(name)] else { return value }
            guard let number = Int(text), number >= 0 else { throw APIError.badRequest("\(name): '\(text)' is not a non-negative integer") }
            return number
        }
        let page = try integer("page", default: 0)
        guard page <= SyncQuery.maximumPage else { throw APIError.badRequest("page: at most \(SyncQuery.maximumPage)") }
        var query = SyncQuery(connectionID: parameters["connectionId"].map(String.init), page: page, size: try integer("size", default: 20))
        if let sort = parameters["sort"] {
            let parts = sort.split(separator: ",")
            guard let first = parts.first, let field = SyncQuery.Field(rawValue: String(first)), parts.count <= 2 else {
                throw APIError.badRequest("sort: '\(sort)' must be FIELD[,asc|desc] with FIELD one of "
                                          + SyncQuery.Field.allCases.map(\.rawValue).joined(separator: ", "))
            }
            query.sort = field
            if parts.count == 2 {
                guard ["asc", "desc"].contains(parts[1].lowercased()) else { throw APIError.badRequest("sort: direction must be asc or desc") }
                query.descending = parts[1].lowercased() == "desc"
            }
        }
        return query
    }

    // MARK: - Authentication and the answer

    typealias Body = @Sendable (_ tenant: String, _ request: inout Request, _ context: BasicRequestContext) async throws -> Response

    /// Wraps a route: checks access (`nil`: any valid token, no tenant), runs `body`, turns errors
    /// into the API's error answer, and logs the request.
    /// `idempotent`: a request with an `Idempotency-Key` header acts once per key and tenant; the
    /// same key within a day gets the first successful answer again.
    /// `tenantFromToken`: without an X-Tenant-Id header, a token naming one tenant acts for it.
    func handler(_ route: String, access: Access?, idempotent: Bool = false, tenantFromToken: Bool = false,
                 _ body: @escaping Body) -> @Sendable (Request, BasicRequestContext) async throws -> Response {
        { [self] request, context in
            let started = ContinuousClock.now
            var request = request
            var tenant: String?
            let response: Response
            do {
                tenant = try await authorize(request, access: access, tenantFromToken: tenantFromToken)
                if idempotent, let key = request.headers[Self.idempotencyHeader] {
                    guard !key.isEmpty, key.count <= 255 else { throw APIError.badRequest("Idempotency-Key: 1 to 255 characters") }
                    let operation = request.method.rawValue + " " + request.uri.path
                    let unique = request
                    let answer = try await service.once(tenant: tenant ?? "", key: key, operation: operation) { [tenant] in
                        var request = unique
                        let response = try await body(tenant ?? "", &request, context)
                        let bytes = try await response.body.collectedBytes()
                        return RememberedAnswer(status: response.status.code, body: String(decoding: bytes, as: UTF8.self))
                    }
                    response = APIExchange.answer(status: answer.status, body: answer.body)
                } else {
                    response = try await body(tenant ?? "", &request, context)
                }
            } catch let error as APIError {
                response = error.response(path: request.uri.path)

            } catch let error as ServiceError {
                if error.kind == .internal { requestLog(Self.logLine(["event": "error", "route": .string(route), "message": .string(error.message)])) }
                response = APIError(error).response(path: request.uri.path)
            } catch {
                requestLog(Self.logLine(["event": "error", "route": .string(route), "message": .string("\(error)")]))
                response = APIError(status: .internalServerError, message: "the service failed; the failure is in its log").response(path: request.uri.path)
            }
            let elapsed = ContinuousClock.now - started
            metrics.request(route: route, method: request.method.rawValue, status: response.status.code)
            requestLog(Self.logLine([
                "method": .string(request.method.rawValue), "route": .string(route), "status": .int(Int64(response.status.code)),
                "durationMs": .double(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000),
                "tenant": tenant.map(JSONValue.string) ?? .null,
            ]))
            return response
        }
    }

    private static func logLine(_ object: JSONObject) -> String {
        var line = object
        line["time"] = .string(APIExchange.timestamp())
        return JSONWriter.string(from: .object(line))
    }

    static let tenantHeader = HTTPField.Name("X-Tenant-Id")!
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!

    /// The tenant the request acts for, once its token, tenant and permission are checked.
    private func authorize(_ request: Request, access: Access?, tenantFromToken: Bool) async throws(APIError) -> String? {
        guard let header = request.headers[.authorization] else { throw APIError.unauthorized("a bearer token is required") }
        guard header.lowercased().hasPrefix("bearer "), header.count > 7 else {
            throw APIError.unauthorized("the Authorization header must be 'Bearer <token>'")
        }
        let bearer = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        if access == .job { return try await jobScope(bearer, path: request.uri.path) }
        let identity: Identity
        do { identity = try await verifier.identity(bearer: bearer) } catch {
            throw APIError.unauthorized(error.description)
        }
        guard let access else { return nil }
        let named = request.headers[Self.tenantHeader]
        let tenant: String
        if let named, !named.isEmpty {
            tenant = named
        } else if tenantFromToken, named == nil, identity.tenants.count == 1 {
            tenant = identity.tenants[0]
        } else {
            throw APIError.badRequest("the X-Tenant-Id header is required" + (tenantFromToken ? " (the token names \(identity.tenants.count) tenants)" : ""))
        }
        guard identity.tenants.contains(tenant) else { throw APIError.forbidden("the token does not grant access to tenant \(tenant)") }
        guard tenant.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }), tenant.count <= 64 else {
            throw APIError.badRequest("X-Tenant-Id: a tenant id is at most 64 letters, digits, - and _")
        }
        switch access {
        case .read where identity.permissions.contains(Permission.read) || identity.permissions.contains(Permission.manage):
            return tenant
        case .manage where identity.permissions.contains(Permission.manage):
            return tenant
        case .run where identity.permissions.contains(Permission.run) || identity.permissions.contains(Permission.manage):
            return tenant
        default:
            let needed = switch access {
            case .read: Permission.read
            case .run: Permission.run
            default: Permission.manage
            }
            throw APIError.forbidden("the token lacks the permission \(needed)")
        }
    }

    /// The tenant of a job token, when it is for the job `/api/jobs/{id}/…` names.
    private func jobScope(_ bearer: String, path: String) async throws(APIError) -> String {
        guard let jobTokens else { throw APIError.unauthorized("this service issues no job tokens") }
        let scope: (tenant: String, job: String)
        do { scope = try await jobTokens.scope(of: bearer) } catch { throw APIError.unauthorized(error.description) }
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[2] == Substring(scope.job) else {
            throw APIError.forbidden("the job token is for another job")
        }
        return scope.tenant
    }
}
