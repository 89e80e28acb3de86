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
