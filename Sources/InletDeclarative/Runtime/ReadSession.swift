import InletHTTP
import InletInterpolation
import InletJSON
import InletProtocol
import Synchronization

/// What one connector operation (check, discover or read) shares across its streams: the config,
/// the HTTP client, the clock, the secrets to mask, and where side messages (logs, rate-limit
/// statuses) go.
final class ReadSession: Sendable {
    let config: JSONObject
    let http: HTTPSession
    let runtime: JinjaRuntime
    let secrets: [String]
    let baseDirectory: String
    let manifest: Manifest
    /// Logs and status updates that happen inside a request (a retry, a rate limit).
    let notify: @Sendable (AirbyteMessage) async -> Void
    /// How long to wait before a retry; tests shorten it.
    let sleep: @Sendable (Double) async throws -> Void
    /// The manifest's `api_budget`, which every request of the read takes its call from.
    let budget: APIBudgetRuntime?
    /// The requests in flight at once across all streams: the manifest's concurrency level.
    let requests: RequestSlots
    /// How many streams, and partitions of one stream, are read at once.
    var concurrency: Int { requests.capacity }
    /// Authenticators that hold tokens, shared by every stream that authenticates the same way, so
    /// one refresh serves all streams and a rotated refresh token is never used twice.
    private let sharedAuthenticators = Mutex<[String: any AuthenticatorRuntime]>([:])
    /// Parent streams' responses, kept for the rest of the read.
    let responseCache = ResponseCache()
    /// The streams other streams partition by, whose requests go through `responseCache`.
    let parentStreamNames: Set<String>

    init(
        manifest: Manifest,
        config: JSONObject,
        http: HTTPSession,
        runtime: JinjaRuntime,
        secrets: [String],
        notify: @escaping @Sendable (AirbyteMessage) async -> Void,
        sleep: @escaping @Sendable (Double) async throws -> Void,
        budget: APIBudgetRuntime? = nil,
        concurrency: Int = ReadSession.lowestSafeConcurrency
    ) {
        self.budget = budget
        requests = RequestSlots(capacity: concurrency)
        self.manifest = manifest
        self.config = config
        self.http = http
        self.runtime = runtime
        self.secrets = secrets
        self.baseDirectory = manifest.baseDirectory
        parentStreamNames = ResponseCache.parentStreamNames(of: manifest.source.streams)
        self.notify = notify
        self.sleep = sleep
    }

    /// The CDK's concurrency without a `concurrency_level` in the manifest.
    static let lowestSafeConcurrency = 2

    /// The manifest's `concurrency_level`: `default_concurrency` (a template may read the config), at
    /// most `max_concurrency`; without one, the CDK's lowest safe level.
    static func concurrency(of manifest: Manifest, context: InterpolationContext) throws(DeclarativeError) -> Int {
        guard let level = manifest.source.concurrencyLevel else { return lowestSafeConcurrency }
        var value = try level.defaultConcurrency.value(context, at: "concurrency_level.default_concurrency") ?? 1
        if let maximum = level.maxConcurrency { value = min(value, maximum) }
        return max(1, value)
    }

    /// The context templates see, with the stream slice and page token of one request.
    func context(slice: StreamSlice? = nil, nextPageToken: JSONValue? = nil, hasToken: Bool = true) -> InterpolationContext {
        var context = InterpolationContext(config: config, runtime: runtime)
        if let slice {
            context[.streamSlice] = slice.templateValue
            for (key, value) in slice.extraFields {
                context.set(key, to: JinjaValue(value))
            }
        } else {
            context[.streamSlice] = StreamSlice.empty.templateValue
        }
        if hasToken {
            context[.nextPageToken] = nextPageToken.map { .jsonObject(["next_page_token": $0]) } ?? JinjaValue.none
        }
        return context
    }

    /// The authenticator already made for `key`, or a new one from `make`.
    func sharedAuthenticator(_ key: String, make: () -> any AuthenticatorRuntime) -> any AuthenticatorRuntime {
        sharedAuthenticators.withLock { cache in
            if let existing = cache[key] { return existing }
            let made = make()
            cache[key] = made
            return made
        }
    }

    func log(_ level: AirbyteLogMessage.Level, _ message: String) async {
        await notify(.log(level, SecretMask.mask(message, secrets)))
    }
}

/// Evaluates a template, turning a template failure into a declarative error that says where.
func evaluate(_ template: InterpolatedString, _ context: InterpolationContext, at place: @autoclosure () -> String,
              validTypes: Set<PythonType>? = nil) throws(DeclarativeError) -> JSONValue {
    do {
        return try template.eval(context, validTypes: validTypes)
    } catch {
        throw DeclarativeError.interpolation(error, at: place())
    }
}

func evaluate(_ condition: InterpolatedBoolean, _ context: InterpolationContext, at place: @autoclosure () -> String) throws(DeclarativeError) -> Bool {
    do {
        return try condition.eval(context)
    } catch {
        throw DeclarativeError.interpolation(error, at: place())
    }
}

func evaluate(_ mapping: InterpolatedMappingField, _ context: InterpolationContext, at place: @autoclosure () -> String,
              validValueTypes: Set<PythonType>? = nil) throws(DeclarativeError) -> JSONObject? {
    do {
        switch mapping {
        case .mapping(let interpolated):
            return try interpolated.eval(context, validValueTypes: validValueTypes).filter { !$0.value.isNull }
        case .template(let template):
            let value = try template.eval(context)
            if case .object(let object) = value { return object.filter { !$0.value.isNull } }
            if case .string(let text) = value, text.isEmpty { return [:] }
            return nil
        }
    } catch {
        throw DeclarativeError.interpolation(error, at: place())
    }
}

extension InterpolatedInteger {
    func value(_ context: InterpolationContext, at place: String) throws(DeclarativeError) -> Int? {
        switch self {
        case .fixed(let integer): return integer
        case .template(let template):
            let value = try evaluate(template, context, at: place)
            if let integer = value.intValue { return Int(integer) }
            if case .string(let text) = value, let integer = Int(text) { return integer }
            throw DeclarativeError.config("\(place): \(value) is not an integer")
        }
    }
}

extension SecondsValue {
    func value(_ context: InterpolationContext, at place: String) throws(DeclarativeError) -> Double? {
        switch self {
        case .fixed(let seconds): return seconds
        case .template(let template):
            let value = try evaluate(template, context, at: place)
            if let seconds = value.doubleValue { return seconds }
            if case .string(let text) = value, let seconds = Double(text) { return seconds }
            if value.isNull || value == .string("") { return nil }
            throw DeclarativeError.config("\(place): \(value) is not a number of seconds")
        }
    }
}
