import Foundation
import InletProtocol

/// The page size in effect while one partition is read, when the API asks for smaller pages
/// (`REDUCE_PAGE_SIZE`). One per partition read: partitions read concurrently share the retriever.
actor PageSizeReducer {
    let reduction: PageSizeReduction
    let configuredPageSize: Int?
    let streamName: String
    private(set) var pageSizeOverride: Int?
    private var attemptsInARow = 0
    private var retriesAtMinimum = 0

    init(_ reduction: PageSizeReduction, configuredPageSize: Int?, streamName: String) {
        self.reduction = reduction
        self.configuredPageSize = configuredPageSize
        self.streamName = streamName
    }

    /// Shrinks the page size for the next request and returns how long to wait before it; throws
    /// once the page cannot be made smaller and the retries at the floor are spent.
    func reduce(rejection: String) throws(DeclarativeError) -> Double {
        guard let configuredPageSize else {
            throw DeclarativeError.config("Stream \(streamName) is set up to reduce its page size on error but does not define one. Set `page_size` on the pagination strategy and `page_size_option` on the paginator.")
        }
        let current = pageSizeOverride ?? configuredPageSize
        let detail = rejection.isEmpty ? "" : "; the API rejected the page: \(rejection)"
        let reduced = max(reduction.minimumPageSize, Int((Double(current) / reduction.reductionFactor).rounded(.down)))
        guard reduced < current else { return try retryAtMinimum(current, detail: detail) }
        attemptsInARow += 1
        guard attemptsInARow <= reduction.maxAttempts else {
            throw DeclarativeError(.transientError, withFailureMessage(
                "The source keeps rejecting pages of stream \(streamName) at every page size the connector requested, down to \(current) records per page."),
                internalMessage: "Stream \(streamName) reduced its page size \(attemptsInARow - 1) times in a row without a page succeeding, the maximum of \(reduction.maxAttempts)\(detail)")
        }
        pageSizeOverride = reduced
        return reduction.backoffSeconds * Double(attemptsInARow)
    }

    private func retryAtMinimum(_ current: Int, detail: String) throws(DeclarativeError) -> Double {
        if retriesAtMinimum < reduction.retriesAtMinimumPageSize {
            retriesAtMinimum += 1
            return reduction.backoffSeconds * Double(retriesAtMinimum)
        }
        if pageSizeOverride == nil && reduction.minimumPageSize > 1 {
            throw DeclarativeError.config(
                "The page size of stream \(streamName) (\(current)) is already at or below the configured minimum of \(reduction.minimumPageSize), so the connector cannot reduce it. Raise the page size of the stream, or lower `minimum_page_size`.",
                internalMessage: "Stream \(streamName) has a configured page size of \(current), not greater than its minimum page size\(detail)")
        }
        throw DeclarativeError(.transientError, withFailureMessage(
            "The source keeps rejecting pages of stream \(streamName) at the smallest page size the connector is allowed to request (\(current) records per page)."),
            internalMessage: "Stream \(streamName) still fails with a page size of \(current), the smallest allowed by its minimum of \(reduction.minimumPageSize)\(detail)")
    }

    /// A page got through: the budget of reductions in a row restarts, and the configured size
    /// comes back under `AFTER_SUCCESSFUL_PAGE`.
    func pageSucceeded() {
        attemptsInARow = 0
        retriesAtMinimum = 0
        if reduction.resetPolicy == .afterSuccessfulPage { pageSizeOverride = nil }
    }

    private func withFailureMessage(_ message: String) -> String {
        guard let extra = reduction.failureMessage?.trimmingCharacters(in: .whitespaces), !extra.isEmpty else { return message }
        return message + " " + extra
    }
}
