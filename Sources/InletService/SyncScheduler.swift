public import Foundation

extension IngestionService {
    /// Triggers the syncs whose schedule came due: each connection with a `syncSchedule` runs when
    /// a slot of its cron expression (in its `timeZone`, UTC unless named) has passed since it last
    /// ran on schedule, or since it was created. Slots missed while the service was down run once,
    /// not once each. A connection whose sync is still going skips the slot.
    /// Returns the syncs it triggered.
    @discardableResult
    public func runDueSchedules(now: Date = Date()) async -> [SyncRecord] {
        var triggered: [SyncRecord] = []
        guard let connections = try? store.scheduledConnections() else { return [] }
        for var connection in connections {
            guard let expression = connection.syncSchedule, let schedule = try? CronSchedule(expression, field: "syncSchedule") else { continue }
            let timeZone = connection.timeZone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
            let anchor = (connection.lastScheduledAt ?? connection.createdAt).flatMapDate() ?? now
            guard let due = schedule.next(after: anchor, in: timeZone), due <= now else { continue }
            connection.lastScheduledAt = Timestamp.string(now)
            do {
                try store.save(connection)
                triggered.append(try await triggerSync(tenant: connection.tenant, connectionID: connection.id))
            } catch {
                // Still running from before (409), or deleted meanwhile: the slot passes.
                continue
            }
        }
        return triggered
    }

    /// Ends runs whose Airflow worker went silent for the configured time, checking every quarter
    /// of it (at least every 5 s), until cancelled.
    public func runWorkerWatchdog() async {
        let timeout = configuration.workerTimeout
        let interval = max(Duration.seconds(5), timeout / 4)
        while !Task.isCancelled {
            await failSilentOrchestratedRuns(timeout: timeout)
            try? await Task.sleep(for: interval)
        }
    }

    /// Runs the schedules every minute, at the minute's start, until cancelled.
    public func runScheduler() async {
        while !Task.isCancelled {
            await runDueSchedules()
            let now = Date().timeIntervalSince1970
            let nextMinute = (floor(now / 60) + 1) * 60 + 0.5
            try? await Task.sleep(for: .seconds(nextMinute - now))
        }
    }
}

private extension String {
    func flatMapDate() -> Date? { Timestamp.date(self) }
}
