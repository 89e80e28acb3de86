import Synchronization

/// Parsed templates by their text, so that a manifest that repeats a template (through references)
/// parses it once. One cache belongs to one manifest load.
public final class JinjaTemplateCache: Sendable {
    private let templates = Mutex<[String: JinjaTemplate]>([:])

    public init() {}

    public func template(for source: String) throws(InterpolationError) -> JinjaTemplate {
        if let cached = templates.withLock({ $0[source] }) { return cached }
        let parsed = try JinjaTemplate(source)
        templates.withLock { $0[source] = parsed }
        return parsed
    }
}
