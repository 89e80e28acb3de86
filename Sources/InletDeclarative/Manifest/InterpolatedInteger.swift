import InletJSON

public import InletInterpolation

/// An integer written as a number or as a template that renders one (page sizes, limits).
public enum InterpolatedInteger: Sendable {
    case fixed(Int)
    case template(InterpolatedString)

    static func decode(_ node: ManifestNode, key: String) throws(ManifestError) -> InterpolatedInteger? {
        guard let member = node.member(key) else { return nil }
        if let integer = member.value.intValue { return .fixed(Int(integer)) }
        guard let template = try node.interpolatedString(key) else { return nil }
        return .template(template)
    }
}
