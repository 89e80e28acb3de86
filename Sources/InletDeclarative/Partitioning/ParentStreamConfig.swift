import InletJSON

public import InletInterpolation

/// A parent of a substream: which stream, which of its keys becomes the partition field, and how
/// the partition value reaches the child's request.
public struct ParentStreamConfig: ManifestComponent {
    public static let typeName = "ParentStreamConfig"

    public let stream: any ManifestComponent
    public let parentKey: InterpolatedString
    public let partitionField: InterpolatedString
    public let requestOption: RequestOption?
    public let incrementalDependency: Bool
    public let lazyReadPointer: [String]?
    public let extraFields: [[String]]?

    public init(from node: ManifestNode) throws(ManifestError) {
        stream = try node.requiredComponent("stream", among: [DeclarativeStream.self, StateDelegatingStream.self])
        parentKey = try node.requiredInterpolatedString("parent_key")
        partitionField = try node.requiredInterpolatedString("partition_field")
        requestOption = try node.component("request_option", as: RequestOption.self)
        incrementalDependency = try node.bool("incremental_dependency") ?? false
        lazyReadPointer = try node.stringList("lazy_read_pointer")
        extraFields = node.value["extra_fields"]?.arrayValue?.map { path in
            path.arrayValue?.map { $0.stringValue ?? $0.description } ?? [path.stringValue ?? path.description]
        }
    }
}
