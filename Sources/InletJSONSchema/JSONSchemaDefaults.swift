public import InletJSON

extension JSONSchemaValidator {
    /// `instance` with the `default` of every absent property filled in, through nested objects.
    /// Validation never does this by itself: the Airbyte CDK does not either.
    public func applyingDefaults(to instance: JSONValue) -> JSONValue {
        Self.fillDefaults(instance, schema: schema)
    }

    private static func fillDefaults(_ instance: JSONValue, schema: JSONValue) -> JSONValue {
        guard case .object(var object) = instance, case .object(let properties) = schema["properties"] else {
            return instance
        }
        for (key, propertySchema) in properties {
            if let member = object[key] {
                object[key] = fillDefaults(member, schema: propertySchema)
            } else if let defaultValue = propertySchema["default"] {
                object[key] = fillDefaults(defaultValue, schema: propertySchema)
            }
        }
        return .object(object)
    }
}
