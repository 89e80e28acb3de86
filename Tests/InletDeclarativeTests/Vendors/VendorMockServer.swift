import InletProtocol
import NIOConcurrencyHelpers

/// A vendor mock's data behind a lock, and the loopback server that answers from it.
final class VendorMockServer<State: Sendable>: Sendable {
    let state: NIOLockedValueBox<State>
    let server: LoopbackServer

    init(_ initial: State, answer: @escaping @Sendable (NIOLockedValueBox<State>, LoopbackServer.Request) -> LoopbackServer.Response) async throws {
        let state = NIOLockedValueBox(initial)
        self.state = state
        server = try await LoopbackServer { request in answer(state, request) }
    }
}

/// A vendor's mock API: its data and server, and the test's view of them.
protocol VendorMock: Sendable {
    associatedtype State: Sendable
    var mock: VendorMockServer<State> { get }
}

extension VendorMock {
    var server: LoopbackServer { mock.server }
    var data: NIOLockedValueBox<State> { mock.state }
    func shutdown() async { await server.shutdown() }
}

/// Mock data that can answer the next request with a rate limit.
protocol RateLimitedOnce {
    var rateLimitNext: Bool { get set }
}

extension NIOLockedValueBox where Value: RateLimitedOnce {
    /// Whether this request is the one to rate-limit (then the next is not).
    func takeRateLimit() -> Bool {
        withLockedValue { value in
            defer { value.rateLimitNext = false }
            return value.rateLimitNext
        }
    }
}

extension ManifestRun.Output {
    var connectionStatus: AirbyteConnectionStatus? {
        messages.lazy.compactMap { message -> AirbyteConnectionStatus? in
            if case .connectionStatus(let status) = message.content { return status } else { return nil }
        }.first
    }
}

/// The mocks' ISO timestamps (all in 2024) as milliseconds since 1970.
enum MockClock {
    /// `2024-01-01T00:00:00.000Z` → milliseconds since 1970.
    static func milliseconds(_ text: String) -> Int64 {
        let parts = text.split(whereSeparator: { "-T:.Z".contains($0) }).compactMap { Int64($0) }
        guard parts.count >= 6 else { return 0 }
        let lengths: [Int64] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        var days = (parts[0] - 2024) * 366  // the mock's data stays in 2024
        for month in 0..<Int(parts[1] - 1) { days += lengths[month] }
        days += parts[2] - 1
        let seconds = days * 86_400 + parts[3] * 3600 + parts[4] * 60 + parts[5]
        return HubSpotMockAPI.epochMilliseconds + seconds * 1000 + (parts.count > 6 ? parts[6] : 0)
    }
}
