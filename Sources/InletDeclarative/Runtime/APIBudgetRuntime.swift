import Foundation
import InletHTTP
import InletInterpolation
import InletJSON

/// A manifest's `api_budget` (the CDK's `HttpAPIBudget`), shared by every request of a read: each
/// request takes a call from the first policy whose matchers accept it, waiting while the policy
/// has none left, and responses that report the remaining calls or a rate-limit status update it.
actor APIBudgetRuntime {
    private struct Matcher {
        var method: String?
        var urlBase: String?
        var pathPattern: Regex<AnyRegexOutput>?
        var parameters: [String: String]
        var headers: [String: String]

        func accepts(_ request: HTTPRequest) -> Bool {
            if let method, request.method.uppercased() != method { return false }
            guard let components = URLComponents(string: request.url) else { return false }
            if let urlBase {
                let port = components.port.map { ":\($0)" } ?? ""
                guard "\(components.scheme ?? "")://\(components.host ?? "")\(port)" == urlBase else { return false }
            }
            if let pathPattern {
                var path = components.path
                while path.hasSuffix("/") { path.removeLast() }
                guard (try? pathPattern.firstMatch(in: path)) != nil else { return false }
            }
            if !parameters.isEmpty {
                var query: [String: String] = [:]
                for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
                guard parameters.allSatisfy({ query[$0.key] == $0.value }) else { return false }
            }
            if !headers.isEmpty {
                var sent: [String: String] = [:]
                for header in request.headers { sent[header.name.lowercased()] = header.value }
                guard headers.allSatisfy({ sent[$0.key] == $0.value }) else { return false }
            }
            return true
        }
    }

    private enum Limit {
        /// At most `limit` calls in any `seconds`-long window, for each rate.
        case moving(rates: [(limit: Int, seconds: Double)], calls: [Double])
        /// At most `limit` calls per window; the window ends at `resetsAt` (wall-clock seconds).
        case fixed(limit: Int, period: Double, resetsAt: Double, used: Int)
        case unlimited
    }

    private struct Policy {
        var matchers: [Matcher]
        var limit: Limit

        func accepts(_ request: HTTPRequest) -> Bool {
            matchers.isEmpty || matchers.contains { $0.accepts(request) }
        }
    }

    private var policies: [Policy]
    private let resetHeader: String
    private let remainingHeader: String
    private let rateLimitStatuses: Set<Int>

    /// `context` holds the config the limits may be templates of.
    init(_ budget: HTTPAPIBudget, context: InterpolationContext) throws(DeclarativeError) {
        func seconds(_ duration: String, _ place: String) throws(DeclarativeError) -> Double {
            guard let delta = try? ISODuration.parse(duration) else {
                throw DeclarativeError.config("api_budget: \(place) '\(duration)' is not an ISO 8601 duration")
            }
            return Double(delta.microseconds) / 1_000_000
        }
        func matchers(_ definitions: [HttpRequestRegexMatcher]) throws(DeclarativeError) -> [Matcher] {
            var result: [Matcher] = []
            for definition in definitions {
                var pattern: Regex<AnyRegexOutput>?
                if let text = definition.urlPathPattern {
                    do {
                        pattern = try Regex(text)
                    } catch {
                        throw DeclarativeError.config("api_budget: url_path_pattern '\(text)' is not a regular expression: \(error)")
                    }
                }
                var base = definition.urlBase
                while base?.hasSuffix("/") == true { base?.removeLast() }
                result.append(Matcher(
                    method: definition.method?.uppercased(), urlBase: base, pathPattern: pattern,
                    parameters: (definition.parameters ?? [:]).reduce(into: [:]) { $0[$1.key] = PythonValueText.str($1.value) },
                    headers: (definition.headers ?? [:]).reduce(into: [:]) { $0[$1.key.lowercased()] = PythonValueText.str($1.value) }))
            }
            return result
        }
        func count(_ value: InterpolatedInteger, _ place: String) throws(DeclarativeError) -> Int {
            guard let number = try value.value(context, at: "api_budget \(place)") else {
                throw DeclarativeError.config("api_budget: \(place) is empty")
            }
            return number
        }
        var policies: [Policy] = []
        for component in budget.policies {
            switch component {
            case let moving as MovingWindowCallRatePolicy:
                var rates: [(Int, Double)] = []
                for rate in moving.rates {
                    rates.append((try count(rate.limit, "rate limit"), try seconds(rate.interval, "rate interval")))
                }
                policies.append(Policy(matchers: try matchers(moving.matchers), limit: .moving(rates: rates, calls: [])))
            case let fixed as FixedWindowCallRatePolicy:
                let limit = try count(fixed.callLimit, "call_limit")
                policies.append(Policy(matchers: try matchers(fixed.matchers),
                                       limit: .fixed(limit: limit, period: try seconds(fixed.period, "period"), resetsAt: Self.wallClock(), used: 0)))
            case let unlimited as UnlimitedCallRatePolicy:
                policies.append(Policy(matchers: try matchers(unlimited.matchers), limit: .unlimited))
            default:
                throw DeclarativeError.config("api_budget: this call rate policy is not supported by Inlet yet.")
            }
        }
        self.policies = policies
        resetHeader = budget.rateLimitResetHeader
        remainingHeader = budget.rateLimitRemainingHeader
        rateLimitStatuses = Set(budget.statusCodesForRateLimitHit)
    }

    private static func wallClock() -> Double { Double(SystemClock.microsecondsSinceEpoch()) / 1_000_000 }
    private static func monotonic() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000_000 }

    /// Takes one call for `request`, waiting (in `sleep`) while its policy has none left.
    nonisolated func acquire(for request: HTTPRequest, sleep: @Sendable (Double) async throws -> Void) async throws {
        while let wait = await tryAcquire(request) {
            try await sleep(wait)
        }
    }

    /// Nil when a call was taken, else the seconds until one may be.
    private func tryAcquire(_ request: HTTPRequest) -> Double? {
        guard let index = policies.firstIndex(where: { $0.accepts(request) }) else { return nil }
        switch policies[index].limit {
        case .unlimited:
            return nil
        case .moving(let rates, var calls):
            let now = Self.monotonic()
            let longest = rates.map(\.seconds).max() ?? 0
            calls.removeAll { now - $0 >= longest }
            var wait = 0.0
            for rate in rates {
                let recent = calls.filter { now - $0 < rate.seconds }
                if recent.count >= rate.limit, let oldest = recent.dropLast(rate.limit - 1).last {
                    wait = max(wait, oldest + rate.seconds - now)
                }
            }
            if wait > 0 {
                policies[index].limit = .moving(rates: rates, calls: calls)
                return wait
            }
            calls.append(now)
            policies[index].limit = .moving(rates: rates, calls: calls)
            return nil
        case .fixed(let limit, let period, var resetsAt, var used):
            let now = Self.wallClock()
            if now > resetsAt {
                resetsAt += period * max(1, ((now - resetsAt) / period).rounded(.up))
                used = 0
            }
            if used + 1 > limit {
                policies[index].limit = .fixed(limit: limit, period: period, resetsAt: resetsAt, used: used)
                return max(0.001, resetsAt - now)
            }
            policies[index].limit = .fixed(limit: limit, period: period, resetsAt: resetsAt, used: used + 1)
            return nil
        }
    }

    /// What a response says about the calls left: the remaining-calls header, or none on a
    /// rate-limit status; and when the window resets.
    func update(from response: HTTPResponse, for request: HTTPRequest) {
        guard let index = policies.firstIndex(where: { $0.accepts(request) }) else { return }
        let remaining = response.header(remainingHeader).flatMap { Int($0) } ?? (rateLimitStatuses.contains(response.status) ? 0 : nil)
        let reset = response.header(resetHeader).flatMap { Double($0) }
        switch policies[index].limit {
        case .fixed(let limit, let period, var resetsAt, var used):
            // Only fewer calls than counted are believed, so a budget may stay below the API's own.
            if let remaining, limit - used > remaining { used = limit - remaining }
            if let reset { resetsAt = reset }
            policies[index].limit = .fixed(limit: limit, period: period, resetsAt: resetsAt, used: used)
        case .moving(let rates, var calls):
            // No calls left: the window fills up, so the next call waits for it to move on.
            guard remaining == 0, reset == nil else { return }
            let now = Self.monotonic()
            let needed = (rates.map(\.limit).max() ?? 0) - calls.filter { now - $0 < (rates.map(\.seconds).max() ?? 0) }.count
            if needed > 0 { calls += Array(repeating: now, count: needed) }
            policies[index].limit = .moving(rates: rates, calls: calls)
        case .unlimited:
            break
        }
    }
}
