import ShoalCore

extension SchemaResolver {
    /// Maps a primitive schema element to Shoal's column type, or throws `.unsupported` naming the annotation.
    static func flatType(_ element: SchemaElement, column: String) throws -> (ParquetColumnType, PhysicalType) {
        guard let raw = element.type, let physical = PhysicalType(rawValue: raw) else {
            throw ShoalError(.malformedInput, "column \(column): unknown physical type \(element.type ?? -1)")
        }
        let converted = element.convertedType.flatMap(ConvertedType.init(rawValue:))
        if element.convertedType != nil && converted == nil {
            throw ShoalError(
                .unsupported,
                "column \(column): converted type \(element.convertedType!) is not supported"
            )
        }
        let logical = element.logicalType
        func reject() -> ShoalError {
            let annotation = logical.map { "\($0)" } ?? converted.map { "\($0)" } ?? "no annotation"
            return ShoalError(
                .unsupported,
                "column \(column): \(describe(physicalType: raw)) with annotation \(annotation) is not supported"
            )
        }
        switch physical {
        case .int96:
            throw ShoalError(.unsupported, "column \(column): INT96 is not supported")
        case .boolean:
            guard converted == nil, logical == nil else { throw reject() }
            return (.boolean, physical)
        case .float:
            guard converted == nil, logical == nil else { throw reject() }
            return (.float, physical)
        case .double:
            guard converted == nil, logical == nil else { throw reject() }
            return (.double, physical)
        case .int32:
            switch converted {
            case nil, .int8, .int16, .int32, .uint8, .uint16: break
            default: throw reject()
            }
            switch logical {
            case nil: break
            case .integer(let width, let signed) where width <= 16 || (width == 32 && signed): break
            default: throw reject()
            }
            return (.int32, physical)
        case .int64:
            guard converted == nil || converted == .int64 else { throw reject() }
            switch logical {
            case nil, .integer(64, true): break
            default: throw reject()
            }
            return (.int64, physical)
        case .byteArray:
            switch (converted, logical) {
            case (nil, nil): return (.binary, physical)
            case (.utf8, nil), (.utf8, .string), (nil, .string), (.enum, _), (nil, .enum), (.json, _), (nil, .json):
                return (.string, physical)
            default: throw reject()
            }
        case .fixedLenByteArray:
            guard converted == nil, logical == nil else { throw reject() }
            let width = Int(element.typeLength ?? 0)
            guard width > 0 else {
                throw ShoalError(.malformedInput, "column \(column): FIXED_LEN_BYTE_ARRAY without a width")
            }
            return (.fixedLengthBinary(width), physical)
        }
    }
}
