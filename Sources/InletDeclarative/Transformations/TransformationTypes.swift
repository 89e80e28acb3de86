import InletJSON

/// The record transformations a stream's `transformations:` list accepts.
enum TransformationTypes {
    static let all: [any ManifestComponent.Type] = [
        AddFields.self, RemoveFields.self, KeysToLower.self, KeysToSnakeCase.self, KeysReplace.self, FlattenFields.self,
        DpathFlattenFields.self,
    ]
}
