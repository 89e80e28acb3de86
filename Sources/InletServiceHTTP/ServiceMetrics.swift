import Foundation
public import InletService
import Prometheus

/// The service's Prometheus metrics, served at `GET /metrics`: requests by route, method and
/// status; syncs by how they ended; records and bytes synced; how long syncs took.
public final class ServiceMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let recordsSynced: Counter
    private let bytesSynced: Counter
    private let syncDuration: DurationHistogram

    public init() {
        recordsSynced = registry.makeCounter(name: "inlet_records_synced_total", help: "Records committed by syncs")
        bytesSynced = registry.makeCounter(name: "inlet_bytes_synced_total", help: "Bytes of data files written by syncs")
        syncDuration = registry.makeDurationHistogram(
            name: "inlet_sync_duration_seconds",
            buckets: [.seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(14400)],
            help: "How long syncs took, from start to end")
    }

    func request(route: String, method: String, status: Int) {
        registry.makeCounter(name: "inlet_http_requests_total", labels: [("route", route), ("method", method), ("status", String(status))],
                             help: "Requests answered, by route, method and status").increment()
    }

    /// Counts a sync that ended (give this to `IngestionService` as its `syncFinished`).
    public func syncFinished(_ sync: SyncRecord) {
        registry.makeCounter(name: "inlet_syncs_total", labels: [("status", sync.status.rawValue)], help: "Syncs that ended, by status").increment()
        recordsSynced.increment(by: sync.recordsSynced ?? 0)
        bytesSynced.increment(by: sync.bytesSynced ?? 0)
        if let milliseconds = sync.durationMs { syncDuration.record(.milliseconds(milliseconds)) }
    }

    var text: String { registry.emitToString() }
}
