import InletInterpolation
import InletJSON

/// Which members of `response` a stream's templates can read, found by looking at every template
/// in the stream's part of the manifest. Records may stay raw only when no template can see them.
enum ResponseReads {
    /// The members read, or nil when some template may read any member (or does not parse).
    static func members(in node: JSONValue) -> Set<String>? {
        var members: Set<String> = []
        var readsAny = false
        visitTemplates(in: node) { source in
            guard !readsAny else { return }
            guard let template = try? JinjaTemplate(source), let read = template.membersRead(of: "response") else {
                readsAny = true
                return
            }
            members.formUnion(read)
        }
        return readsAny ? nil : members
    }

    private static func visitTemplates(in node: JSONValue, _ body: (String) -> Void) {
        switch node {
        case .string(let text) where text.contains("{{") || text.contains("{%"):
            body(text)
        case .array(let elements):
            for element in elements { visitTemplates(in: element, body) }
        case .object(let object):
            for (_, value) in object { visitTemplates(in: value, body) }
        default:
            break
        }
    }
}
